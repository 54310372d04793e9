// Progressive enhancement of the booking and manage pages: they work without this script.
(function () {
  'use strict';
  // Times in the visitor's own zone: a page opened without ?tz= asks again with the browser's.
  var params = new URLSearchParams(location.search);
  var zoneSelect = document.getElementById('tz');
  var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zoneSelect && !params.has('tz') && detected && zoneSelect.value !== detected
    && Array.prototype.some.call(zoneSelect.options, function (option) { return option.value === detected; })) {
    params.set('tz', detected);
    location.replace(location.pathname + '?' + params.toString() + location.hash);
    return;
  }

  // The hold's countdown.
  var countdown = document.querySelector('[data-expires-at]');
  if (countdown) {
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

  // Errors: move focus to their summary so screen readers announce it.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
