# Connects with DBI and one DBD driver (MariaDB or mysql), taking host, port, user, password and
# TLS from the option file alone, and prints one line: `tls <version>`, `plain` or
# `refused <first line of the error>`. Exits 0 in those three cases.
#
#     perl connect.pl MariaDB|mysql OPTION_FILE
use strict;
use warnings;
use DBI;

my ($driver, $file) = @ARGV;
die "usage: connect.pl MariaDB|mysql FILE\n" unless $file && $driver =~ /^(MariaDB|mysql)$/;
my $p = lc $driver;
my $dbh = DBI->connect(
    "DBI:$driver:${p}_read_default_file=$file;${p}_connect_timeout=10",
    undef, undef, { RaiseError => 0, PrintError => 0 });
if (!$dbh) {
    my $err = $DBI::errstr // 'no error';
    ($err) = split /\n/, $err;
    print "refused $err\n";
    exit 0;
}
my (undef, $version) = $dbh->selectrow_array("SHOW STATUS LIKE 'Ssl_version'");
die $dbh->errstr . "\n" if $dbh->err;
print $version ? "tls $version\n" : "plain\n";
