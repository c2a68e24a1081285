// Swagger UI for /docs, started from a file (the Content-Security-Policy allows no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({ url: element.dataset.url, dom_id: "#swagger-ui", deepLinking: true });
});
