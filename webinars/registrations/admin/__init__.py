"""The organisers' side of registrations in the back office (the Django admin).

Who may do what (the named rules of ``registrations.rules``; no Django model permission)
---------------------------------------------------------------------------------------
* Registrations hold personal data: editors and owners of a series list, export and
  correct its registrations, confirm, cancel, move people from the waiting list and write
  to registrants; viewers see none of it (aggregate reports only). Superusers may do all.
* Everybody but superusers sees only registrations, outgoing e-mails and questions of the
  series where the rule holds (``programme.selectors.series_for``): in lists, filters,
  exports, change pages and the message pages alike.
* Nobody adds or deletes registrations here: people register themselves, and a
  registration ends by cancellation or erasure, which keep the audit log and give a
  freed seat to the waiting list. Statuses and details change only through ``services``,
  logged (``audit``) with the organiser as actor.
* Everything registrants typed is shown escaped; nothing here marks their text safe.
"""

from . import questions, registrations, webinars  # noqa: F401 -- registers the model admins (webinars: replaces the programme's)
