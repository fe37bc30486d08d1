// Count one reader of this story: the page names the address in data-read-url (never
// for logged-in staff or in previews). A beacon, so that cached pages count too and
// robots, which run no script, do not.
(function () {
  "use strict";
  var story = document.querySelector("[data-read-url]");
  if (story && navigator.sendBeacon) {
    navigator.sendBeacon(story.getAttribute("data-read-url"));
  }
})();
