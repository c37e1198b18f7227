"""Reading a department's mailbox: the inbox listing, search, threads, counterpart history.

Every function takes the department id it is scoped to; callers pass only ids the
user may see (mailgate.web.access decides that).
"""
