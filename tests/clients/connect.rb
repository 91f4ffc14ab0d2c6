# Connects with ruby-mysql2, taking host, port, user, password and TLS from the option file
# alone, and prints one line: `tls <version>`, `plain` or `refused <first line of the error>`.
# Exits 0 in those three cases.
#
#     ruby connect.rb OPTION_FILE
require "mysql2"

file = ARGV.fetch(0)
begin
  client = Mysql2::Client.new(default_file: file, connect_timeout: 10)
rescue Mysql2::Error => e
  puts "refused #{e.message.lines.first.to_s.strip}"
  exit 0
end
version = client.query("SHOW STATUS LIKE 'Ssl_version'").first&.fetch("Value", nil)
puts version.to_s.empty? ? "plain" : "tls #{version}"
