"""Toy views for tests/core/test_pagecache.py: how many times each answered, a page with a
POST form, one that writes while it answers, one that answers 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import include, path

from apps.core.audit import record
from apps.core.pagecache import cached_page

calls: list[str] = []
PAGE = engines["django"].from_string(
    "{% load submission %}<p>{{ user.get_username }}</p>"
    '<form method="post" action="/kept/">{% csrf_token %}{% submission_key %}</form>'
    "<form>{% submission_key %}</form>"
    "{% for m in messages %}<i>{{ m }}</i>{% endfor %}"
)


def kept(request):
    calls.append("kept")
    if request.method == "POST":
        return HttpResponse("posted")
    return HttpResponse(PAGE.render({}, request))


def writes(request):
    calls.append("writes")
    record("export", request=request, target="toy")
    return HttpResponse(PAGE.render({}, request))


def missing(request):
    calls.append("missing")
    raise Http404


def message(request):
    messages.info(request, "saved")
    return HttpResponse("ok")


urlpatterns = [
    path("kept/", cached_page(kept)),
    path("writes/", cached_page(writes)),
    path("missing/", cached_page(missing)),
    path("message/", message),
    path("", include("xiangcheng.urls")),
]
