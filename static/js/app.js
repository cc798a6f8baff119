/*
 * Recap Explorer: client-side state only (the server does all filtering).
 *
 * Loaded as a plain script in <head>, before Alpine's CSP build (deferred):
 * it applies the remembered theme before the first paint, then registers the
 * Alpine components when Alpine starts. The CSP build evaluates no
 * JavaScript strings, so templates only name members of these components
 * (x-on:click="toggle", x-bind:aria-pressed="pressed").
 *
 * Everything here is an enhancement: without JavaScript the pages work as
 * plain HTML and the controls below stay hidden (x-cloak).
 */
(function () {
  "use strict";

  var PICKS_KEY = "recap-explorer:picks";
  var THEME_KEY = "recap-explorer:theme";
  var root = document.documentElement;

  // localStorage throws in some privacy modes: then nothing is remembered.
  function readStorage(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function writeStorage(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      /* not remembered, still works for this page */
    }
  }

  function readPicks() {
    try {
      var stored = JSON.parse(readStorage(PICKS_KEY) || "[]");
      return Array.isArray(stored) ? stored.filter(function (key) { return typeof key === "string"; }) : [];
    } catch (error) {
      return [];
    }
  }

  // -- Theme: the system's preference until the visitor chooses. ------------
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function storedTheme() {
    var theme = readStorage(THEME_KEY);
    return theme === "dark" || theme === "light" ? theme : null;
  }

  function currentTheme() {
    return storedTheme() || (darkQuery && darkQuery.matches ? "dark" : "light");
  }

  root.setAttribute("data-theme", currentTheme());
  // What only a page without JavaScript should say (.without-js) is hidden.
  root.classList.add("js");

  // An empty search box adds nothing to the address: "/?day=monday", not "/?q=&day=monday"
  // (the explorer's search, and the speaker facet's own).
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    if (event.detail.verb !== "get" || !params) {
      return;
    }
    ["q", "speaker_q"].forEach(function (name) {
      if (params[name] === "") {
        delete params[name];
      }
    });
  });

  // The speaker facet's search box updates its own list as one types (htmx,
  // partials/facets.html); its "change" on leaving the box must not also reload
  // every result through the filters form, which listens for changes.
  document.addEventListener(
    "change",
    function (event) {
      if (event.target && event.target.id === "speaker-q") {
        event.stopPropagation();
      }
    },
    true
  );

  // A photo that cannot be loaded (offline, moved, gone) becomes its caption card:
  // a placeholder instead of a broken image (partials/photos.html). "error" does
  // not bubble, so this listens while it goes down (capture); this script runs
  // before the body is parsed, so it sees every photo, swapped-in ones included.
  document.addEventListener(
    "error",
    function (event) {
      var img = event.target;
      if (!img || img.tagName !== "IMG" || !img.classList.contains("photo-img")) {
        return;
      }
      var placeholder = document.createElement("div");
      placeholder.className = "photo-placeholder";
      placeholder.setAttribute("aria-hidden", "true");
      var figure = img.closest("figure");
      (img.closest(".photo-link") || img).replaceWith(placeholder);
      if (figure) {
        figure.classList.add("photo--missing");
      }
    },
    true
  );

  // A printed page says where it came from: the address now, after any htmx swap.
  window.addEventListener("beforeprint", function () {
    var source = document.querySelector(".print-source-url");
    if (source) {
      source.textContent = window.location.href;
    }
  });

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // -- My picks: starred entries, kept in this browser. -------------------
    Alpine.store("picks", {
      keys: readPicks(),
      only: false,
      has: function (key) {
        return this.keys.indexOf(key) !== -1;
      },
      toggle: function (key) {
        this.keys = this.has(key)
          ? this.keys.filter(function (k) { return k !== key; })
          : this.keys.concat([key]);
        writeStorage(PICKS_KEY, JSON.stringify(this.keys));
      },
      // Picks received in a share link, added after one's own (none twice).
      add: function (keys) {
        var self = this;
        var added = keys.filter(function (key, index) {
          return !self.has(key) && keys.indexOf(key) === index;
        });
        this.keys = this.keys.concat(added);
        writeStorage(PICKS_KEY, JSON.stringify(this.keys));
        return added.length;
      },
      // A gone pick: forgotten, or replaced by the address its entry has now.
      replace: function (key, now) {
        this.keys = this.keys.filter(function (k) { return k !== key; });
        if (now && !this.has(now)) {
          this.keys = this.keys.concat([now]);
        }
        writeStorage(PICKS_KEY, JSON.stringify(this.keys));
      },
    });

    // The share link of a list of picks: /picks/?e=recap/entry&e=… (explorer.picks).
    function shareUrl(path, keys) {
      var query = keys.map(function (key) {
        return "e=" + encodeURIComponent(key).replace(/%2F/g, "/");
      });
      return window.location.origin + path + (query.length ? "?" + query.join("&") : "");
    }

    // "My picks" (/picks/): the cards of every pick, fetched in one request, and
    // the link that shares them.
    Alpine.data("myPicks", function () {
      return {
        path: "",
        status: "",
        init: function () {
          var keys = this.$store.picks.keys;
          this.path = this.$el.dataset.picksUrl;
          if (keys.length && window.htmx) {
            window.htmx.ajax("GET", shareUrl(this.path, keys), {
              target: this.$refs.list,
              swap: "innerHTML",
            });
          }
        },
        get empty() {
          return this.$store.picks.keys.length === 0;
        },
        get hasPicks() {
          return !this.empty;
        },
        get shareUrl() {
          return shareUrl(this.path, this.$store.picks.keys);
        },
        select: function () {
          this.$refs.link.select();
        },
        copy: function () {
          var self = this;
          var link = this.$refs.link;
          var fallback = function () {
            link.focus();
            link.select();
            self.status = "Press Ctrl+C (⌘C on a Mac) to copy the selected link.";
          };
          if (!navigator.clipboard || !window.isSecureContext) {
            fallback();
            return;
          }
          navigator.clipboard.writeText(link.value).then(function () {
            self.status = "Link copied: paste it to share your picks.";
          }, fallback);
        },
        print: function () {
          window.print();
        },
      };
    });

    // A share link's picks: one click adds them all to the viewer's own.
    Alpine.data("sharedPicks", function () {
      return {
        keys: [],
        status: "",
        init: function () {
          this.keys = (this.$el.dataset.picks || "").split(" ").filter(Boolean);
        },
        get missing() {
          var picks = this.$store.picks;
          return this.keys.filter(function (key) { return !picks.has(key); });
        },
        get allKept() {
          return this.missing.length === 0;
        },
        get addLabel() {
          var missing = this.missing.length;
          if (missing === 0) {
            return "All in my picks";
          }
          if (missing === this.keys.length) {
            return missing === 1 ? "Add it to my picks" : "Add all " + missing + " to my picks";
          }
          return "Add the " + missing + " I do not have to my picks";
        },
        add: function () {
          var added = this.$store.picks.add(this.missing);
          this.status = added === 1 ? "1 pick added to My picks." : added + " picks added to My picks.";
        },
        print: function () {
          window.print();
        },
      };
    });

    // A pick that names no entry now (explorer/picks_page.html): forget it, or
    // keep the entry at its new address.
    Alpine.data("gonePick", function () {
      return {
        key: "",
        now: "",
        init: function () {
          this.key = this.$el.dataset.pick || "";
          this.now = this.$el.dataset.now || "";
        },
        get kept() {
          return this.$store.picks.has(this.key);
        },
        get updateLabel() {
          return this.now ? "Pick it at its new address" : "Remove from my picks";
        },
        update: function () {
          this.$store.picks.replace(this.key, this.now);
        },
      };
    });

    // Picks made in another tab show up here too.
    window.addEventListener("storage", function (event) {
      if (event.key === PICKS_KEY) {
        Alpine.store("picks").keys = readPicks();
      }
    });

    // One card (or an entry page): its star and whether "only my picks" hides it.
    Alpine.data("card", function () {
      return {
        key: "",
        init: function () {
          this.key = this.$el.dataset.pick || "";
        },
        get picked() {
          return this.$store.picks.has(this.key);
        },
        get pressed() {
          return this.picked ? "true" : "false";
        },
        get filteredOut() {
          return this.$store.picks.only && !this.picked;
        },
        togglePick: function () {
          this.$store.picks.toggle(this.key);
        },
      };
    });

    // The "Show only my picks" switch above the results.
    Alpine.data("picksFilter", function () {
      return {
        get pressed() {
          return this.$store.picks.only ? "true" : "false";
        },
        get countLabel() {
          return "(" + this.$store.picks.keys.length + ")";
        },
        get message() {
          var picks = this.$store.picks;
          if (!picks.only) {
            return "";
          }
          return picks.keys.length === 0
            ? "No picks yet: star a card to pick it."
            : "Showing only your picks among these results.";
        },
        toggle: function () {
          this.$store.picks.only = !this.$store.picks.only;
        },
      };
    });

    // A long summary, folded to a few lines until asked for.
    Alpine.data("collapsible", function () {
      return {
        open: false,
        get expanded() {
          return this.open ? "true" : "false";
        },
        get bodyClass() {
          return this.open ? "" : "is-collapsed";
        },
        get label() {
          return this.open ? "Show less" : "Show more";
        },
        toggle: function () {
          this.open = !this.open;
        },
      };
    });

    // A curator's edit form on a card (explorer/entry_edit_page.html): Escape
    // cancels (clicks the form's "Cancel" link, which puts the card back).
    Alpine.data("inlineEdit", function () {
      return {
        init: function () {
          // On the explorer the card sits inside the filters form, whose htmx
          // trigger is "change from:#results, submit": what happens in this form
          // must not reach it (it would reload the results over the form).
          var stop = function (event) {
            event.stopPropagation();
          };
          this.$el.addEventListener("change", stop);
          this.$el.addEventListener("submit", stop);
        },
        cancel: function (event) {
          var link = this.$refs.cancel;
          if (link) {
            event.preventDefault();
            link.click();
          }
        },
      };
    });

    // A formset's rows (speakers, dishes): "Add a row" copies its empty form.
    Alpine.data("formRows", function () {
      return {
        add: function () {
          var total = this.$root.querySelector('input[name$="-TOTAL_FORMS"]');
          var template = this.$refs.empty;
          var rows = this.$refs.rows;
          if (!total || !template || !rows) {
            return;
          }
          var index = parseInt(total.value, 10) || 0;
          var row = template.content.firstElementChild.cloneNode(true);
          row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
            ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
              var value = el.getAttribute(attr);
              if (value) {
                el.setAttribute(attr, value.replace(/__prefix__/g, String(index)));
              }
            });
          });
          rows.appendChild(row);
          total.value = String(index + 1);
          var first = row.querySelector("input:not([type=hidden]), select, textarea");
          if (first) {
            first.focus();
          }
        },
      };
    });

    // The light/dark switch: starts from the system, remembers a choice.
    Alpine.data("themeToggle", function () {
      return {
        dark: false,
        init: function () {
          var self = this;
          this.dark = currentTheme() === "dark";
          if (darkQuery && darkQuery.addEventListener) {
            darkQuery.addEventListener("change", function () {
              if (!storedTheme()) {
                self.apply(darkQuery.matches ? "dark" : "light");
              }
            });
          }
        },
        get pressed() {
          return this.dark ? "true" : "false";
        },
        apply: function (theme) {
          this.dark = theme === "dark";
          root.setAttribute("data-theme", theme);
        },
        toggle: function () {
          var theme = this.dark ? "light" : "dark";
          writeStorage(THEME_KEY, theme);
          this.apply(theme);
        },
      };
    });
  });
})();

/*
 * Say so when an htmx request fails.
 *
 * htmx 2 swaps nothing for a 4xx or 5xx answer, or when the server cannot be
 * reached: the page stays as it was, which is right, but silent. This shows a
 * short message just before the request's target, in an element with
 * role="alert", and removes it after the next successful swap. The events
 * bubble to document, so it needs nothing to be loaded first.
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
