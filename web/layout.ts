import type { Branding } from '../db/customer-pages';
import { html, Html } from './html';
import type { Locale, Translate } from './strings';

export interface PageBrand { branding: Branding; primaryColor: string | null; secondaryColor: string | null }

/** Only #rrggbb reaches the style sheet, so a colour cannot inject CSS. */
function colour(value: string | null, fallback: string): string {
  return value && /^#[0-9a-fA-F]{6}$/.test(value) ? value : fallback;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:var(--secondary)}
header{background:#fff;border-bottom:4px solid var(--primary);padding:12px 16px;display:flex;align-items:center;gap:12px;justify-content:space-between;flex-wrap:wrap}
header img{max-height:40px}header .org{font-weight:700;font-size:1.1rem}
main{max-width:720px;margin:0 auto;padding:16px}section{background:#fff;border-radius:8px;padding:16px;margin-bottom:16px}
h1{font-size:1.5rem;margin:0 0 8px}h2{font-size:1.2rem;margin:0 0 12px}
a{color:var(--primary-text)}button,.button{font:inherit;background:var(--primary);color:var(--on-primary);border:0;border-radius:6px;padding:10px 16px;cursor:pointer;text-decoration:none;display:inline-block;min-height:44px}
button.secondary{background:#fff;color:var(--primary-text);border:2px solid var(--primary)}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
label{display:block;font-weight:600;margin-top:12px}input,select,textarea{font:inherit;width:100%;padding:8px;border:2px solid #555;border-radius:4px;margin-top:4px}
input[type=checkbox]{width:auto;margin-right:8px}label.check{display:flex;align-items:center;font-weight:400}
.month{width:100%;border-collapse:collapse;text-align:center}.month th{font-size:.85rem;padding:4px}.month td{padding:2px}
.month a,.month span{display:block;padding:8px 0;border-radius:6px;min-height:40px}.month a{background:var(--secondary);font-weight:700}
.month a[aria-current=date]{background:var(--primary);color:var(--on-primary)}.month span{color:#595959}
.nav{display:flex;justify-content:space-between;align-items:center;margin-bottom:8px}
.slots{display:grid;grid-template-columns:repeat(auto-fill,minmax(96px,1fr));gap:8px;list-style:none;padding:0;margin:0}.slots button{width:100%}
.error-summary{border:4px solid #d4351c;padding:12px 16px;margin-bottom:16px;background:#fff}.error-summary h2{color:#d4351c}
.field-error{color:#d4351c;font-weight:600;display:block}.countdown{font-size:1.4rem;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}
.sessions{list-style:none;padding:0;margin:0}.sessions li{border-top:1px solid #ddd;padding:12px 0}
.inline{display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}.inline label{margin-top:0}.inline input{width:6rem}
.notice{padding:12px 16px;border-left:6px solid var(--primary);background:var(--secondary);margin-bottom:12px}
code{word-break:break-all}.grow{flex:1 1 16rem}.inline .grow input{width:100%}section dl+h2{margin-top:16px}.actions{display:flex;gap:24px;flex-wrap:wrap}.hint{display:block;font-size:.9rem;color:#4a4a4a}.clock{margin:8px 0 0}
.month .today{outline:2px solid #1a1a1a;outline-offset:-2px}.month span.today{font-weight:700;color:#1a1a1a}
fieldset.hour{border:0;padding:0;margin:0 0 12px}fieldset.hour legend{font-weight:700;padding:0;margin-bottom:4px}
.slots{grid-template-columns:repeat(auto-fill,minmax(150px,1fr))}.slots .end{font-weight:400}
.hours{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:8px}.hours a{display:inline-block;padding:6px 10px;border:2px solid var(--primary);border-radius:6px}
.hours a[aria-current=true]{background:var(--primary);color:var(--on-primary)}.calendar-links{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.services{list-style:none;padding:0;margin:0}.services li{border-top:1px solid #ddd;padding:12px 0}
body[data-embed] header{display:none}body[data-embed] main{padding:8px}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
function textOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/** The page around its content: the business's name or logo, its colours, the one script. */
export function page(options: { title: string; locale: Locale; t: Translate; brand: PageBrand; body: Html; status?: number; embed?: boolean }): string {
  const primary = colour(options.brand.primaryColor, '#1d4ed8');
  const secondary = colour(options.brand.secondaryColor, '#f1f5f9');
  // Links in the primary colour only if it stays readable on white; else a dark blue.
  const primaryText = textOn(primary) === '#ffffff' ? primary : '#1d4ed8';
  const { branding } = options.brand;
  return `<!doctype html>${html`<html lang="${options.locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${branding.name}</title>
<style>:root{--primary:${primary};--secondary:${secondary};--on-primary:${textOn(primary)};--primary-text:${primaryText}}</style>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/pages.css">
<script src="/assets/pages.js" defer></script></head>
<body${options.embed ? new Html(' data-embed') : ''}><header><div class="org">${branding.logoUrl ? html`<img src="${branding.logoUrl}" alt="${branding.name}">` : branding.name}</div>
<nav aria-label="${options.t('language')}"><a href="?lang=en" lang="en">English</a> · <a href="?lang=fr" lang="fr">Français</a></nav></header>
<main>${options.body}</main></body></html>`}`;
}

export const PAGE_STYLE = STYLE;
