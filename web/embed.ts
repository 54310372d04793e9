import type { Response } from 'express';

/**
 * Who may show the pages in a frame: this site and the organization's listed origins
 * (frame-ancestors; X-Frame-Options cannot list several, so it is not sent).
 */
export function allowFraming(res: Response, origins: readonly string[] = []): void {
  // Other directives a policy set earlier (a headers middleware) stay; only frame-ancestors is ours.
  const others = String(res.getHeader('content-security-policy') ?? '').split(';').map((part) => part.trim())
    .filter((part) => part && !/^frame-ancestors\b/i.test(part));
  res.set('content-security-policy', [...others, `frame-ancestors 'self'${origins.map((origin) => ` ${origin}`).join('')}`].join('; '));
  res.removeHeader('x-frame-options');
}

/**
 * The embed snippet's script, served from this site (no CDN): it puts the page named by
 * data-booking-page in an iframe after itself and sets the frame's height to what the page
 * reports by postMessage, accepting messages only from this site's origin.
 */
export const EMBED_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var path = script.getAttribute('data-booking-page') || '/';
  var src = new URL(path, origin);
  src.searchParams.set('embed', '1');
  var lang = script.getAttribute('data-lang');
  if (lang) src.searchParams.set('lang', lang);
  var frame = document.createElement('iframe');
  frame.src = src.toString();
  frame.title = script.getAttribute('data-title') || 'Booking';
  frame.setAttribute('style', 'width:100%;border:0;min-height:480px;display:block');
  frame.setAttribute('loading', 'lazy');
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.type === 'booking-page:height' && typeof data.height === 'number') frame.style.height = Math.ceil(data.height) + 'px';
  });
})();
`;
