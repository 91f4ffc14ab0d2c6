"""Connects with one Python driver, taking host, port, user, password and TLS from the option
file alone, and prints one line: `tls <version>` (connected over TLS), `plain` (connected
without TLS) or `refused <first line of the error>`. Exits 0 in those three cases; any other exit
means the driver itself did not run as the test expects.

    python connect.py DRIVER OPTION_FILE

Drivers: mysqldb_debian, mysqlclient, mariadb, pymysql, pymysql_old, asyncmy, aiomysql,
connector_python, connector_python_cext, libmysqlclient.
"""

import asyncio
import sys

TIMEOUT = 10
QUERY = "SHOW STATUS LIKE 'Ssl_version'"


def text(v):
    return v.decode() if isinstance(v, (bytes, bytearray)) else (v or "")


def report(version):
    version = text(version)
    print(f"tls {version}" if version else "plain")


def refused(e):
    lines = str(e).strip().splitlines() or [type(e).__name__]
    print("refused", lines[0])


def need(ok, why):
    if not ok:
        sys.exit(f"not the driver asked for: {why}")


def dbapi(module, errors, **kwargs):
    try:
        c = module.connect(**kwargs)
    except errors as e:
        return refused(e)
    cur = c.cursor()
    cur.execute(QUERY)
    report(cur.fetchone()[1])


def mysqldb(path, pip):
    import MySQLdb

    # Debian's python3-mysqldb is 1.4; pip's mysqlclient is 2.x.
    need((MySQLdb.version_info[0] >= 2) == pip, f"MySQLdb {MySQLdb.version_info}")
    dbapi(MySQLdb, MySQLdb.Error, read_default_file=path, connect_timeout=TIMEOUT)


def mariadb_connector(path):
    import mariadb

    dbapi(mariadb, mariadb.Error, default_file=path, connect_timeout=TIMEOUT)


def pymysql(path, old):
    import pymysql

    major, minor = (int(x) for x in pymysql.__version__.split(".")[:2])
    need(((major, minor) < (1, 2)) == old, f"PyMySQL {pymysql.__version__}")
    dbapi(pymysql, (pymysql.Error, OSError), read_default_file=path, connect_timeout=TIMEOUT)


def asyncio_driver(module, path):
    async def run():
        try:
            c = await module.connect(read_default_file=path, connect_timeout=TIMEOUT)
        except (module.Error, OSError) as e:
            return refused(e)
        async with c.cursor() as cur:
            await cur.execute(QUERY)
            row = await cur.fetchone()
        c.close()
        report(row[1])

    asyncio.run(run())


def connector_python(path, pure):
    import mysql.connector as m

    if not pure:
        need(m.HAVE_CEXT, "the C extension does not load")
    try:
        c = m.connect(option_files=path, use_pure=pure, connection_timeout=TIMEOUT)
    except m.Error as e:
        return refused(e)
    want = "MySQLConnection" if pure else "CMySQLConnection"
    need(type(c).__name__ == want, f"connected with {type(c).__name__}")
    cur = c.cursor()
    cur.execute(QUERY)
    report(cur.fetchone()[1])


def libmysqlclient(path):
    """Oracle's libmysqlclient as linked into mysql-connector-python's C extension, driven as
    a C application would: mysql_init, MYSQL_READ_DEFAULT_FILE, mysql_real_connect with no
    host, user, password or port, so that the file decides."""
    import ctypes
    import importlib.util

    spec = importlib.util.find_spec("_mysql_connector")
    need(spec is not None and spec.origin, "no _mysql_connector")
    lib = ctypes.CDLL(spec.origin)
    p, s = ctypes.c_void_p, ctypes.c_char_p
    lib.mysql_init.restype = p
    lib.mysql_init.argtypes = [p]
    lib.mysql_options.argtypes = [p, ctypes.c_int, p]
    lib.mysql_real_connect.restype = p
    lib.mysql_real_connect.argtypes = [p, s, s, s, s, ctypes.c_uint, s, ctypes.c_ulong]
    lib.mysql_error.restype = s
    lib.mysql_error.argtypes = [p]
    lib.mysql_get_client_info.restype = s
    lib.mysql_real_query.argtypes = [p, s, ctypes.c_ulong]
    lib.mysql_store_result.restype = p
    lib.mysql_store_result.argtypes = [p]
    lib.mysql_fetch_row.restype = ctypes.POINTER(s)
    lib.mysql_fetch_row.argtypes = [p]
    need(not lib.mysql_get_client_info().startswith(b"3."), "this is Connector/C")
    MYSQL_OPT_CONNECT_TIMEOUT, MYSQL_READ_DEFAULT_FILE = 0, 4
    m = lib.mysql_init(None)
    need(m, "mysql_init failed")
    timeout = ctypes.c_uint(TIMEOUT)
    lib.mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, ctypes.byref(timeout))
    lib.mysql_options(m, MYSQL_READ_DEFAULT_FILE, ctypes.c_char_p(path.encode()))
    if not lib.mysql_real_connect(m, None, None, None, None, 0, None, 0):
        return refused(lib.mysql_error(m).decode(errors="replace"))
    query = QUERY.encode()
    need(lib.mysql_real_query(m, query, len(query)) == 0, lib.mysql_error(m))
    res = lib.mysql_store_result(m)
    need(res, lib.mysql_error(m))
    report(lib.mysql_fetch_row(res)[1])


def main():
    driver, path = sys.argv[1], sys.argv[2]
    if driver == "mysqldb_debian":
        mysqldb(path, pip=False)
    elif driver == "mysqlclient":
        mysqldb(path, pip=True)
    elif driver == "mariadb":
        mariadb_connector(path)
    elif driver == "pymysql":
        pymysql(path, old=False)
    elif driver == "pymysql_old":
        pymysql(path, old=True)
    elif driver in ("asyncmy", "aiomysql"):
        asyncio_driver(__import__(driver), path)
    elif driver == "connector_python":
        connector_python(path, pure=True)
    elif driver == "connector_python_cext":
        connector_python(path, pure=False)
    elif driver == "libmysqlclient":
        libmysqlclient(path)
    else:
        sys.exit(f"unknown driver {driver}")


main()
