"""Security headers of every response: Content-Security-Policy (django-csp, with a nonce per
request), Permissions-Policy; Referrer-Policy comes from Django's SecurityMiddleware.

Public pages, the self-service pages and the organisers' workspace get the strict policy
(``settings.CONTENT_SECURITY_POLICY``): scripts and styles only from our own origin or with
the request's nonce, no inline ``style=""`` attributes, no plugins, no framing. Django's admin
gets ``settings.ADMIN_CONTENT_SECURITY_POLICY`` (inline styles allowed: its templates and
widgets use them). A page author writes ``<script nonce="{{ request.csp_nonce }}">`` or
``<style nonce="{{ request.csp_nonce }}">`` for the rare inline block, and never an inline
event handler or ``style`` attribute (README "Security headers").
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if "Cross-Origin-Opener-Policy" not in response:
            response["Cross-Origin-Opener-Policy"] = "same-origin"
        return response
