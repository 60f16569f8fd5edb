"""The organisers' back office: the programme in the Django admin.

Who may do what (the named rules of ``programme.rules``; no Django model permission needed)
-------------------------------------------------------------------------------------------
* Superusers see and edit everything, and are the only ones who create or delete series
  and hand out series roles here (the admin is their repair console; owners will manage
  their team in the organisers' workspace).
* Every role (owner, editor, viewer) sees its series and their webinars; editors and owners
  add, edit, publish and unpublish webinars; only owners change the series' own settings
  and delete its webinars. Nobody sees or touches a series they have no role on.
* People (speakers) and organisations are shared by every series: an editor may look them
  up and add new speakers; changing or deleting an existing one, which every series shows,
  needs the Django model permission ("Can change person", ...).
"""

from . import series, shared, webinars  # noqa: F401 -- registers the model admins
