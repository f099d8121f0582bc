"""Operations that change customer data. Views, admin, tasks and commands call these."""

# Nested services use ``transaction.atomic(savepoint=False)``: they are all-or-nothing inside
# their caller's transaction (nobody recovers from a failed inner step), and a savepoint per
# call would add two round trips each to the hottest forms.
