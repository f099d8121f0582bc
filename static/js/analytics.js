// The company's own visit counter: loaded only when the visitor accepted analytics cookies.
document.cookie = "_site_stats=" + Date.now() + "; max-age=" + 60 * 60 * 24 * 395 + "; path=/; samesite=lax";
window.siteAnalyticsLoaded = true;
