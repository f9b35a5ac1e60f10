// The report pages' only script: a filter over the tables of tests, collapsed lists opened
// for printing, and any script error written into the page (where the browser test reads
// it). The pages work without it.
window.onerror = function (msg) {
  var p = document.getElementById('js-errors');
  if (p) { p.hidden = false; p.textContent += 'script error: ' + msg + '\n'; }
};
document.addEventListener('DOMContentLoaded', function () {
  var boxes = document.querySelectorAll('input.filter');
  for (var i = 0; i < boxes.length; i++) {
    var box = boxes[i];
    box.hidden = false;
    box.addEventListener('input', function (ev) {
      var q = ev.target.value.toLowerCase();
      var table = document.getElementById(ev.target.getAttribute('data-table'));
      var rows = table ? table.tBodies[0].rows : [];
      for (var r = 0; r < rows.length; r++)
        rows[r].hidden = q !== '' && rows[r].textContent.toLowerCase().indexOf(q) < 0;
    });
  }
  document.documentElement.setAttribute('data-js', 'ok');
  // how long the page took to parse, for bench/ and the browser test
  document.documentElement.setAttribute('data-parsed-ms', String(Math.round(performance.now())));
});
// A sign-off is often printed to PDF: print every collapsed list open.
window.addEventListener('beforeprint', function () {
  var all = document.querySelectorAll('details');
  for (var i = 0; i < all.length; i++) all[i].open = true;
});
