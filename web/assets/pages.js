// Progressive enhancement of the booking and manage pages: they work without this script.
(function () {
  'use strict';
  // Times in the visitor's own zone: a page opened without ?tz= asks again with the browser's
  // (a browser in UTC, whatever alias it reports, gets UTC).
  var params = new URLSearchParams(location.search);
  var zoneInput = document.getElementById('tz');
  var zoneList = document.getElementById('tz-list');
  var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (detected && /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT|GMT0|Greenwich)$/.test(detected)) detected = 'UTC';
  if (zoneInput && zoneList && !params.has('tz') && detected && zoneInput.value !== detected
    && Array.prototype.some.call(zoneList.options, function (option) { return option.value === detected; })) {
    params.set('tz', detected);
    location.replace(location.pathname + '?' + params.toString() + location.hash);
    return;
  }

  // The hold's countdown.
  var countdown = document.querySelector('[data-expires-at]');
  if (countdown) {
    var wrap = document.querySelector('[data-countdown]');
    if (wrap) wrap.hidden = false;
    var expiresAt = Date.parse(countdown.getAttribute('data-expires-at'));
    var tick = function () {
      var left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
      if (left === 0) {
        countdown.textContent = countdown.getAttribute('data-expired-text');
        return;
      }
      countdown.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      setTimeout(tick, 1000);
    };
    tick();
  }

  // Inside another site's frame: tell the embedding script how tall the page is.
  if (window.parent !== window && document.body.hasAttribute('data-embed')) {
    var report = function () {
      // The body's own height: the document's scroll height never shrinks below the frame's.
      window.parent.postMessage({ type: 'booking-page:height', height: Math.ceil(document.body.getBoundingClientRect().height) }, '*');
    };
    report();
    if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
    else window.addEventListener('resize', report);
  }

  // Errors: move focus to their summary so screen readers announce it.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
