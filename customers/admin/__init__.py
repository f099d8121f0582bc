from customers.admin import access, customers, records  # noqa: F401  (registers the admins)
