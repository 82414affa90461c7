// Apply the saved (or the system's) colour theme before the first paint; a file rather than an
// inline script because the backend's Content-Security-Policy allows scripts from 'self' only.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("airunway_theme"); } catch (e) {}
  var dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.classList.toggle("dark", dark);
})();
