from django.shortcuts import render

from customers.sharing.services import references_public


def references(request):
    """Customers who agreed to be listed: business name and service only."""
    return render(request, "customers/references.html", {"references": references_public()})
