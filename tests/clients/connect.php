<?php
// Connects with PHP's mysqli (mysqlnd underneath), given the option file the way the C API
// takes one (MYSQLI_READ_DEFAULT_FILE) and nothing else, and prints one line: `tls <version>`,
// `plain` or `refused <first line of the error>`. Exits 0 in those three cases.
//
//     php connect.php OPTION_FILE
mysqli_report(MYSQLI_REPORT_OFF);
$file = $argv[1] ?? exit("usage: connect.php FILE\n");
$m = mysqli_init();
// mysqlnd does not read option files; whether it admits that is part of what is measured.
@mysqli_options($m, MYSQLI_READ_DEFAULT_FILE, $file);
mysqli_options($m, MYSQLI_OPT_CONNECT_TIMEOUT, 10);
if (!@mysqli_real_connect($m)) {
    $lines = explode("\n", trim(mysqli_connect_error() ?? 'no error'));
    echo "refused ", $lines[0], "\n";
    exit(0);
}
$row = mysqli_query($m, "SHOW STATUS LIKE 'Ssl_version'")->fetch_row();
echo $row[1] ? "tls {$row[1]}\n" : "plain\n";
