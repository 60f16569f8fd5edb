"""Helpers shared by request tests."""

from bs4 import BeautifulSoup


def form_data(html: str, form_id: str) -> dict[str, object]:
    """What a browser would submit for the form as rendered (defaults included): checked boxes
    as lists of values, the selected (or first) option of each select."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form #{form_id}"
    data: dict[str, object] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in {"submit", "button", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if field.has_attr("checked"):
                    data.setdefault(name, [])
                    data[name].append(field.get("value", "on"))
                continue
            data[name] = field.get("value", "")
        elif field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        else:
            options = field.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen or options:
                data[name] = chosen[0] if chosen else options[0].get("value", options[0].text)
    return data
