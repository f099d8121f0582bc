"""The data-flow diagram (Form 10): collection channels → stores → roles → recipients, drawn
by Graphviz from the registry, the roles table and the recipients, never by hand."""

import re

import graphviz
from django.apps import apps
from django.utils.translation import gettext as _

from customers.core.personal_data import REGISTRY
from customers.core.roles import PERMISSIONS, Role
from customers.models import Customer

FONT = "DejaVu Sans"


def _store_label(label: str) -> str:
    model = apps.get_model(label)
    return str(model._meta.verbose_name_plural).capitalize()


def data_flow_svg(*, recipients: list[dict], system_hosting: str) -> str:
    """An SVG document (no script) for the PDF; every recipient is a labelled node."""
    graph = graphviz.Digraph(
        "luong_du_lieu",
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "fontsize": "11",
            "nodesep": "0.15",
            "ranksep": "0.6",
        },
        node_attr={"fontname": FONT, "fontsize": "9", "shape": "box", "style": "rounded"},
        edge_attr={"color": "#6b7280", "arrowsize": "0.6"},
    )
    with graph.subgraph(name="cluster_channels") as sub:
        sub.attr(label=_("Collection channels"), style="dashed")
        for source in Customer.Source:
            sub.node(f"ch_{source.value}", str(source.label))
    with graph.subgraph(name="cluster_stores") as sub:
        sub.attr(label=_("Stores (hosted in %(place)s)") % {"place": system_hosting})
        for label in REGISTRY:
            sub.node(f"st_{label}", _store_label(label), shape="cylinder", style="")
    with graph.subgraph(name="cluster_roles") as sub:
        sub.attr(label=_("Staff roles"), style="dashed")
        for role in Role:
            sub.node(f"ro_{role.value}", str(role.label), shape="ellipse", style="")
    with graph.subgraph(name="cluster_recipients") as sub:
        sub.attr(label=_("Recipients"), style="dashed")
        for r in recipients:
            colour = "#b45309" if r["abroad"] else "#1f2937"
            sub.node(
                f"re_{r['id']}",
                f"{r['name']}\n({r['kind_label']}; {r.get('country') or r['hosted_label']})",
                color=colour,
            )
    for source in Customer.Source:
        graph.edge(f"ch_{source.value}", "st_customers.Customer")
    graph.edge(f"ch_{Customer.Source.WEB_FORM.value}", "st_customers.Submission")
    for role in Role:
        perms = {p for perms in PERMISSIONS[role].values() for p in perms}
        for label in REGISTRY:
            model = label.split(".")[1].lower()
            if f"view_{model}" in perms:
                graph.edge(f"st_{label}", f"ro_{role.value}")
        if "add_disclosure" in perms:
            for r in recipients:
                graph.edge(f"ro_{role.value}", f"re_{r['id']}")
    svg = graph.pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    # Fit the page width whatever the graph's natural size.
    return re.sub(r'<svg width="[^"]+" height="[^"]+"', '<svg width="100%"', svg, count=1)
