// The frame of every participant page: small, server-rendered, readable on a phone, accessible
// (lang, a main landmark, one h1, visible focus, enough contrast), branded with the chat's locale.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { pageLanguage } from '../../core/messages/strings.js';

export interface PageBranding {
  locale: string;
  community: string;
  logoUrl: string | null;
  accentColor: string | null;
}

const CSS_COLOR = /^#[0-9a-fA-F]{3,8}$/;

export function page(branding: PageBranding, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  const accent = branding.accentColor && CSS_COLOR.test(branding.accentColor) ? branding.accentColor : '#1d4ed8';
  return html`<!doctype html>
<html lang="${pageLanguage(branding.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${branding.community ? `${title} · ${branding.community}` : title}</title>
<style>
  body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #f6f7f9; }
  main { max-width: 34rem; margin: 0 auto; padding: 2rem 1.25rem 0; }
  .card { background: #fff; border-radius: 12px; padding: 1.75rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .75rem; }
  p { margin: 0 0 1rem; }
  img.logo { display: block; max-height: 48px; max-width: 60%; margin: 0 0 1.25rem; }
  button { font: inherit; font-weight: 600; color: #fff; background: ${accent}; border: 0; border-radius: 8px; padding: .8rem 1.4rem; cursor: pointer; min-height: 44px; }
  button:focus-visible, a:focus-visible { outline: 3px solid #111; outline-offset: 3px; }
  footer { max-width: 34rem; margin: 1.5rem auto 2rem; padding: 0 1.25rem; font-size: .875rem; color: #555; text-align: center; }
</style>
</head>
<body>
<main>
<div class="card">
${branding.logoUrl ? html`<img class="logo" src="${branding.logoUrl}" alt="${branding.community}">` : ''}
${body}
</div>
</main>
${branding.community ? html`<footer>${branding.community}</footer>` : ''}
</body>
</html>`;
}
