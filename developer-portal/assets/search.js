// Client-side search over guides, operations and events (search-index.json, built with the portal).
(function () {
  var root = document.body.getAttribute('data-root') || '';
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  var index = null;
  function load() {
    if (index) return Promise.resolve(index);
    return fetch(root + 'search-index.json')
      .then(function (r) {
        return r.json();
      })
      .then(function (data) {
        index = data;
        return data;
      });
  }
  function render(query) {
    var q = query.trim().toLowerCase();
    list.innerHTML = '';
    if (q.length < 2) return;
    load().then(function (items) {
      var words = q.split(/\s+/);
      var hits = items
        .map(function (item) {
          var hay = (item.title + ' ' + item.text).toLowerCase();
          var title = item.title.toLowerCase();
          var score = 0;
          for (var i = 0; i < words.length; i++) {
            if (hay.indexOf(words[i]) < 0) return null;
            score += title.indexOf(words[i]) >= 0 ? 3 : 1;
          }
          return { item: item, score: score };
        })
        .filter(Boolean)
        .sort(function (a, b) {
          return b.score - a.score;
        })
        .slice(0, 12);
      list.innerHTML = '';
      hits.forEach(function (hit) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = root + hit.item.url;
        a.textContent = hit.item.title;
        var kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = hit.item.kind;
        a.appendChild(kind);
        li.appendChild(a);
        list.appendChild(li);
      });
      if (!hits.length) {
        var none = document.createElement('li');
        none.className = 'none';
        none.textContent = 'No results for "' + query + '"';
        list.appendChild(none);
      }
    });
  }
  input.addEventListener('input', function () {
    render(input.value);
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) {
      e.preventDefault();
      input.focus();
    }
  });
})();
