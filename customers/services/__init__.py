"""Operations that change customer data. Views, admin, tasks and commands call these."""
