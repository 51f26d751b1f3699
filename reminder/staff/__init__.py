"""The staff dashboard at /staff: accounts, sessions, the audit trail and the pages a nurse works from."""
