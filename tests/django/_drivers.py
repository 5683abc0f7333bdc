"""Django's MySQL backend on PyMySQL where mysqlclient is not installed.

Django's MySQL backend is written for mysqlclient, which builds against the MariaDB client
library (a system package and a compiler). PyMySQL (``motivekit[mysql]``, pure Python)
stands in for it in the tests, so they need neither: it answers as ``MySQLdb`` and reports
the mysqlclient version Django asks for. Where mysqlclient is installed, it is used.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["mysql_driver"]


def mysql_driver() -> bool:
    """Make ``import MySQLdb`` work if it can; whether it does."""
    if "MySQLdb" in sys.modules or importlib.util.find_spec("MySQLdb") is not None:
        return True
    if importlib.util.find_spec("pymysql") is None:
        return False
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()
    return True
