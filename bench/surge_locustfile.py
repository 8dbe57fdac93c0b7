"""The deadline surge as locust users (run by bench/surge.py, `make surge`; not on its own).

Each simulated user logs in once with an account of its own (SURGE_ACCOUNTS, a JSON file the
driver writes) and then, after a pause of SURGE_WAIT seconds (min,max) between actions:

- Clerk (70 %): opens a section of its LAO's record ("section GET") and saves it with one value
  changed ("save": the form as the page gave it, the climate text set to a new value, then the
  redirect followed as a browser does); or opens another section without saving.
- Officer (20 %): opens the dashboards it oversees ("dashboard").
- Downloader (10 %): an officer downloading a dashboard table as CSV or XLSX ("download").

Every request is written to SURGE_OUT (JSON lines: the time since the start, the type, the
response time, whether it failed) and every save the portal accepted (a 302 back to the section)
with the value it set, so the driver compares them with the database.

The users are locust's FastHttpUser (geventhttpclient): the load generator shares the two cores
with the portal and PostgreSQL, and it spends several times less CPU a request than HttpUser
(python-requests), so less of what is measured is locust waiting for a core.
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser

from locust import FastHttpUser, between, events, task

with open(os.environ["SURGE_ACCOUNTS"], encoding="utf-8") as accounts:
    ACCOUNTS = json.load(accounts)
OUT = open(os.environ["SURGE_OUT"], "a", encoding="utf-8")  # noqa: SIM115 (open for the run)
PASSWORD = ACCOUNTS["password"]
WAIT = tuple(float(x) for x in os.environ.get("SURGE_WAIT", "3,10").split(","))
STARTED = time.monotonic()
# In every value saved: a run on a kept database (SURGE_REUSE=1) never saves a value an earlier
# run left, which the portal would accept as "nothing changed" and the count would miss.
RUN = os.environ.get("SURGE_RUN", "")
_clerks = iter(ACCOUNTS["clerks"])
_officers = iter(ACCOUNTS["officers"])
_downloaders = iter(ACCOUNTS["downloaders"])


def _page(url: str) -> str:
    """Which page a request was for: "national", "national/fields", "province", "district"...
    (the first part of the path, and the second on the national pages)."""
    parts = [p for p in url.split("://", 1)[-1].split("?", 1)[0].split("/")[1:] if p]
    if parts[:1] == ["national"]:
        return "/".join(parts[:2])
    return parts[0] if parts else "/"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, url="", **_kwargs):
    OUT.write(
        json.dumps(
            {
                "t": round(time.monotonic() - STARTED, 3),
                "name": name,
                "page": _page(url),
                "ms": round(response_time, 1),
                "failed": exception is not None,
                "error": str(exception)[:200] if exception else None,
            }
        )
        + "\n"
    )


@events.quitting.add_listener
def _close(**_kwargs):
    OUT.flush()


class _Form(HTMLParser):
    """The fields of the page's form that carries `version` (the section form), as a browser
    would send them: inputs, checked boxes and radios, selected options, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms or "disabled" in a:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                form[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            form[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data

    def section_form(self) -> dict[str, str]:
        return next((f for f in self.forms if "version" in f), {})


class _Portal(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    account: dict

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login answered {answer.status_code}")


class Clerk(_Portal):
    weight = 70

    def on_start(self) -> None:
        self.account = next(_clerks)
        self.saves = 0
        super().on_start()

    @task(3)
    def open_and_save(self) -> None:
        url = self.account["save"]
        with self.client.get(url, name="section GET", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"section answered {page.status_code}")
                return
            parser = _Form()
            parser.feed(page.text)
            data = parser.section_form()
            if "version" not in data:
                page.failure("no section form on the page")
                return
        self.saves += 1
        value = f"surge {RUN} {self.account['username']} {self.saves}"
        data[self.account["field"]] = value
        with self.client.post(
            url, data, name="save", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code == 302 and answer.headers.get("Location", "").endswith(url):
                OUT.write(json.dumps({"accepted": self.account["username"], "value": value}) + "\n")
            else:
                answer.failure(f"save answered {answer.status_code}")
                return
        self.client.get(url, name="section GET")

    @task(2)
    def open_section(self) -> None:
        self.client.get(random.choice(self.account["open"]), name="section GET")


class Officer(_Portal):
    """An officer on the dashboards it oversees."""

    weight = 20
    pool, pages, kind = _officers, "dashboards", "dashboard"

    def on_start(self) -> None:
        self.account = next(self.pool)
        super().on_start()

    @task
    def look(self) -> None:
        self.client.get(random.choice(self.account[self.pages]), name=self.kind)


class Downloader(Officer):
    """An officer downloading a dashboard's table."""

    weight = 10
    pool, pages, kind = _downloaders, "downloads", "download"
