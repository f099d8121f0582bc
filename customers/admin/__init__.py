from customers.admin import access, customers, records, requests, retention  # noqa: F401
