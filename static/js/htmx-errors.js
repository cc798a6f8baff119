/*
 * Recap Explorer: say so when an htmx request fails.
 *
 * htmx 2 swaps nothing for a 4xx or 5xx answer, or when the server cannot be
 * reached: the page stays as it was, which is right, but silent. This shows a
 * short message just before the request's target, in an element with
 * role="alert", and removes it after the next successful swap.
 *
 * A plain external script (the Content-Security-Policy allows no inline code);
 * load it with `defer`. It needs nothing else: the events bubble to document.
 */
(function () {
  "use strict";

  var MESSAGE = "Something went wrong loading this part of the page. Try again.";
  var CLASS = "htmx-error";

  function anchorFor(event) {
    var detail = event.detail || {};
    var target = detail.target || detail.elt || event.target;
    if (!target || target === document.body || target === document.documentElement) {
      // A boosted request targets <body>: show the message at the top of the content.
      var main = document.getElementById("main");
      return main ? { parent: main, before: main.firstChild } : null;
    }
    return { parent: target.parentNode, before: target };
  }

  function clearErrors() {
    var shown = document.querySelectorAll("." + CLASS);
    for (var i = 0; i < shown.length; i++) {
      shown[i].remove();
    }
  }

  function showError(event) {
    var anchor = anchorFor(event);
    clearErrors();
    if (!anchor || !anchor.parent) {
      return;
    }
    // A new element each time, so that assistive technology announces it again.
    var message = document.createElement("p");
    message.className = CLASS;
    message.setAttribute("role", "alert");
    message.textContent = MESSAGE;
    anchor.parent.insertBefore(message, anchor.before);
  }

  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);
  document.addEventListener("htmx:afterSwap", clearErrors);
})();
