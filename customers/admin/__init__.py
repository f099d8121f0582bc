from customers.admin import access, customers, records, requests  # noqa: F401  (registers)
