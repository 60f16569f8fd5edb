"""Certificates in the back office: designs, the list of issued certificates, issuing, revoking.

Who may do what (the named rules of ``certificates.rules``; no Django model permission):

* Certificates carry names: editors and owners of a series see its designs and
  certificates ("certificates.view_certificates"), edit designs ("certificates.change_design"),
  issue ("certificates.issue_certificates"), and revoke, correct a name or make the PDF
  again ("certificates.revoke_certificate"); viewers see none of it. Everybody but
  superusers sees and chooses only among those series and their webinars.
* Nobody adds or deletes a certificate by hand: certificates are issued from attendance
  (the "Issue certificates" page or the designs' action, both run in the background) and
  end by revocation, which the public verification page then shows.
"""

from . import certificates, designs  # noqa: F401 -- registers the model admins
