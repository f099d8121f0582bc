from customers.admin import (  # noqa: F401  (registers the admins)
    access,
    customers,
    records,
    requests,
    retention,
    sharing,
)
