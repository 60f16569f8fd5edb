/* Detect the viewer's time zone once and remember it in the "tz" cookie.
   If this page was rendered for another zone, reload it once so times are shown in the
   viewer's zone. Without JavaScript the chooser in the header does the same. */
(function () {
  try {
    if (document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; })) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return;
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    if (zone !== document.documentElement.getAttribute("data-tz") && !sessionStorage.getItem("tz-reloaded")) {
      sessionStorage.setItem("tz-reloaded", "1");
      location.reload();
    }
  } catch (e) { /* no cookies or storage: the server-side default and the chooser still work */ }
})();
