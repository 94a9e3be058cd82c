"""`/data/`: the open dataset: what is in it, its licence, how to cite it, the files."""

from django.core.files.storage import default_storage
from django.shortcuts import render
from django.urls import reverse

from .. import dataset
from ..meta import PageMeta
from ..models.enums import License


def data_page(request):
    package = dataset.latest()
    rows = {}
    if package:
        # "N rows. ..." is how dataset.descriptor() writes each resource's description.
        rows = {r["name"]: int(r["description"].split(" ", 1)[0]) for r in package["resources"]}
    tables = [
        {
            "name": table,
            "fields": fields,
            "rows": rows.get(table),
            "files": [
                (ext.upper(), default_storage.url(dataset.stored_name(f"{table}.{ext}")))
                for ext in ("csv", "jsonl")
            ]
            if package
            else [],
        }
        for table, fields in dataset.TABLES.items()
    ]
    return render(
        request,
        "interviews/data.html",
        {
            "meta": PageMeta(
                title="Open data",
                description="Every answer its mentor licensed CC BY 4.0, as CSV and JSON Lines "
                "with a Frictionless Data Package: the fields, the licence and how to cite it.",
                canonical_url=request.build_absolute_uri(reverse("interviews:data")),
            ),
            "package": package,
            "built_at": dataset.built_at(package) if package else None,
            "package_url": default_storage.url(dataset.stored_name("datapackage.json"))
            if package
            else "",
            "tables": tables,
            "citation": dataset.citation(),
            "cc_by": License.CC_BY,
            "all_rights": License.ALL_RIGHTS_RESERVED,
        },
    )
