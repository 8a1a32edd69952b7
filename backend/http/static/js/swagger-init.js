// Starts Swagger UI on /schema (backend/http/swagger.py): a static file, since the CSP allows no inline
// script. Loaded with defer after the bundle, so SwaggerUIBundle is there and the page is parsed.
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/schema/openapi.json",
  dom_id: "#swagger-container",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null, // the online validator's badge would load from outside
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
