/**
 * The two documentation pages and the scripts that start them. Nothing inline: the Content-Security-Policy allows
 * scripts from the page's own origin only, so each page loads its starter from a file.
 */

/** The page title, shown in the browser tab. */
const title = 'CC-Balancer (ccb) API';

function page(options: { heading: string; stylesheets: string[]; scripts: string[]; mount: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${options.heading}</title>
<link rel="icon" href="data:,">
${options.stylesheets.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
</head>
<body>
<noscript>This page needs JavaScript. The document itself is at <a href="openapi.json">openapi.json</a>.</noscript>
${options.mount}
${options.scripts.map((src) => `<script src="${src}"></script>`).join('\n')}
</body>
</html>
`;
}

// Relative URLs: `/docs` and `/redoc` sit at the root, so `docs/x` is `/docs/x` and `openapi.json` is
// `/openapi.json`, and behind a reverse proxy that adds a path prefix they keep working.

/** `/docs`: Swagger UI. */
export const swaggerUiPage = page({
  heading: 'Swagger UI',
  stylesheets: ['docs/swagger-ui.css', 'docs/page.css'],
  scripts: ['docs/swagger-ui-bundle.js', 'docs/swagger-initializer.js'],
  mount: '<div id="swagger-ui"></div>',
});

/**
 * Starts Swagger UI. `validatorUrl: null`: by default it sends the document's URL to validator.swagger.io and
 * shows the badge it answers, which would leave the machine. Authorization is kept in memory only (no
 * `persistAuthorization`), so an admin key typed in is not written to the browser's storage.
 */
export const swaggerUiInitializer = `'use strict';
window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** `/redoc`: ReDoc. */
export const redocPage = page({
  heading: 'ReDoc',
  stylesheets: ['redoc/page.css'],
  scripts: ['redoc/redoc.standalone.js', 'redoc/redoc-initializer.js'],
  mount: '<div id="redoc"></div>',
});

/** Starts ReDoc on the document. */
export const redocInitializer = `'use strict';
Redoc.init(
  new URL('openapi.json', document.baseURI).href,
  { expandResponses: '200', requiredPropsFirst: true, sortTagsAlphabetically: false },
  document.getElementById('redoc'),
);
`;

/** The page's margins, as a file: inline styles would need a looser policy on `/docs`. */
export const pageStylesheet = 'body { margin: 0; padding: 0; }\n';
