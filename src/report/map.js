// The review page's interactive co-sell network map (inlined after graphology and
// sigma.js, see vendor/README.md). It draws the model's `network` (data island
// #ecograph-data) with the positions ecograph computed (seeded, so the picture is the
// same on every machine: nothing here is random), and gives pan and zoom (sigma), a
// search box (a combobox: type, arrows, Enter), a card on hover, a pinned card and the
// partner's ties highlighted on click, and a reset. Labels never overlap: before each
// frame the labels are chosen greedily, the selected partner first, then its
// neighbours, then by PageRank, each kept only when its box overlaps no box kept
// before. State the tests read: the map element's data-ready, data-selected and
// data-highlighted-edges, and window.ecographMap.
(function () {
  "use strict";
  var root = document.getElementById("map");
  var island = document.getElementById("ecograph-data");
  if (!root || !island) return;
  var net = JSON.parse(island.textContent).network;
  var stage = document.getElementById("map-stage");
  var card = document.getElementById("map-card");
  var figure = document.getElementById("network-print");
  // Without WebGL (or with nothing to draw) the static drawing stays on screen.
  function fallback(reason) {
    root.hidden = true;
    if (figure) figure.classList.remove("print-only");
    root.setAttribute("data-ready", reason);
  }
  if (!net.nodes.length) return fallback("empty");
  var probe = document.createElement("canvas");
  if (!(probe.getContext("webgl2") || probe.getContext("webgl"))) return fallback("no-webgl");

  var DIM_NODE = "#e3e6ea", DIM_EDGE = "#f1f2f4", TIE = "#1d2733";
  var FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif", LABEL_SIZE = 12;
  var graph = new graphology.UndirectedGraph();
  var top = 1, heaviest = 1;
  net.nodes.forEach(function (n) { top = Math.max(top, n.attributed_revenue); });
  net.edges.forEach(function (e) { heaviest = Math.max(heaviest, e[2]); });
  net.nodes.forEach(function (n, i) {
    graph.addNode(String(i), {
      x: n.x, y: n.y, label: n.name, color: n.colour, rank: i,
      size: 3 + 11 * Math.sqrt(Math.max(n.attributed_revenue, 0) / top)
    });
  });
  // Opaque greys (WebGL blends faint translucent lines away): light for one shared
  // deal, darker as the tie carries more.
  function grey(t) {
    var c = function (v) { return Math.round(255 + (v - 255) * t); };
    return "rgb(" + c(90) + "," + c(100) + "," + c(112) + ")";
  }
  net.edges.forEach(function (e, k) {
    var w = e[2] / heaviest;
    graph.addUndirectedEdgeWithKey(String(k), String(e[0]), String(e[1]), {
      size: 0.6 + 1.6 * w, color: grey(0.25 + 0.55 * Math.sqrt(w))
    });
  });

  var selected = null, neighbours = null, hovered = null, allowed = new Set(), boxes = [];
  var widths = {};
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = LABEL_SIZE + "px " + FONT;
  function labelWidth(node) {
    if (!(node in widths)) widths[node] = measure.measureText(graph.getNodeAttribute(node, "label")).width;
    return widths[node];
  }

  // Draws a label chosen for this frame, with a white halo over the ties.
  function drawLabel(ctx, data, settings) {
    if (!allowed.has(data.key)) return;
    ctx.font = (data.key === selected ? "600 " : "") + LABEL_SIZE + "px " + FONT;
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = data.key === selected ? "#000" : "#1f2933";
    ctx.strokeText(data.label, data.x + data.size + 3, data.y + LABEL_SIZE / 3);
    ctx.fillText(data.label, data.x + data.size + 3, data.y + LABEL_SIZE / 3);
  }
  // The hovered partner: a ring (its card says who it is).
  function drawHover(ctx, data) {
    ctx.beginPath();
    ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#1d2733";
    ctx.stroke();
  }

  var renderer = new Sigma(graph, stage, {
    defaultDrawNodeLabel: drawLabel,
    defaultDrawNodeHover: drawHover,
    // Every node is a candidate; the choice is made in beforeRender below.
    labelDensity: 1e6,
    labelRenderedSizeThreshold: 0,
    labelFont: FONT,
    labelSize: LABEL_SIZE,
    zIndex: true,
    minCameraRatio: 0.03,
    maxCameraRatio: 3,
    nodeReducer: function (node, data) {
      var out = Object.assign({}, data);
      if (selected !== null && node !== selected && !neighbours.has(node)) {
        out.color = DIM_NODE;
        out.zIndex = 0;
      } else {
        out.zIndex = node === selected ? 2 : 1;
      }
      return out;
    },
    edgeReducer: function (edge, data) {
      var out = Object.assign({}, data);
      if (selected === null) return out;
      if (graph.hasExtremity(edge, selected)) {
        out.color = TIE;
        out.size = Math.max(1.5, data.size + 0.5);
        out.zIndex = 1;
        out.highlighted = true;
      } else {
        out.color = DIM_EDGE;
        out.zIndex = 0;
      }
      return out;
    }
  });

  // The labels of this frame: priority order, each box against the boxes kept so far.
  var order = graph.nodes().slice().sort(function (a, b) {
    return graph.getNodeAttribute(a, "rank") - graph.getNodeAttribute(b, "rank");
  });
  renderer.on("beforeRender", function () {
    var dims = renderer.getDimensions();
    var first = [];
    if (selected !== null) {
      first.push(selected);
      order.forEach(function (n) { if (neighbours.has(n)) first.push(n); });
    }
    var rest = selected === null ? order : order.filter(function (n) {
      return n !== selected && !neighbours.has(n);
    });
    allowed = new Set();
    boxes = [];
    // The card covers part of the map: no label under it.
    if (!card.hidden) {
      var s = stage.getBoundingClientRect(), c = card.getBoundingClientRect();
      boxes.push({ node: null, x1: c.left - s.left, y1: c.top - s.top, x2: c.right - s.left, y2: c.bottom - s.top });
    }
    // While a partner is selected only it and its neighbours are named.
    (selected === null ? rest : first).forEach(function (node) {
      var d = renderer.getNodeDisplayData(node);
      if (!d || d.hidden) return;
      var p = renderer.framedGraphToViewport(d);
      var r = renderer.scaleSize(d.size);
      var box = {
        node: node,
        x1: p.x + r + 3 - 2, y1: p.y - LABEL_SIZE * 0.75,
        x2: p.x + r + 3 + labelWidth(node) + 2, y2: p.y + LABEL_SIZE * 0.45
      };
      if (box.x2 < 0 || box.x1 > dims.width || box.y2 < 0 || box.y1 > dims.height) return;
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (box.x1 < b.x2 && b.x1 < box.x2 && box.y1 < b.y2 && b.y1 < box.y2) return;
      }
      boxes.push(box);
      allowed.add(node);
    });
  });

  // The card: name, id, then the figures as ecograph formatted them.
  function showCard(node, pinned) {
    showCardContent(node, pinned);
    renderer.scheduleRender();
  }
  function showCardContent(node, pinned) {
    if (node === null) {
      card.hidden = true;
      return;
    }
    var n = net.nodes[+node];
    card.hidden = false;
    card.classList.toggle("pinned", pinned);
    card.textContent = "";
    var h = document.createElement("h3");
    h.textContent = n.name;
    var id = document.createElement("div");
    id.className = "card-id";
    id.textContent = n.partner_id + (pinned ? "" : " · click to select");
    var dl = document.createElement("dl");
    n.card.forEach(function (kv) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = kv[0];
      dd.textContent = kv[1];
      dd.setAttribute("data-figure", kv[0]);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    card.appendChild(h);
    card.appendChild(id);
    card.appendChild(dl);
  }

  function highlightedEdges() {
    return graph.filterEdges(function (e) {
      var d = renderer.getEdgeDisplayData(e);
      return !!(d && d.highlighted && !d.hidden);
    }).length;
  }
  function select(node, move) {
    selected = node;
    neighbours = node === null ? null : new Set(graph.neighbors(node));
    renderer.refresh();
    if (node === null) {
      root.removeAttribute("data-selected");
      root.removeAttribute("data-highlighted-edges");
    } else {
      root.setAttribute("data-selected", net.nodes[+node].partner_id);
      root.setAttribute("data-highlighted-edges", String(highlightedEdges()));
    }
    showCard(hovered !== null ? hovered : node, hovered === null && node !== null);
    if (node !== null && move) {
      var d = renderer.getNodeDisplayData(node);
      renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.35 }, { duration: 400 });
    }
  }

  renderer.on("enterNode", function (e) {
    hovered = e.node;
    showCard(e.node, false);
  });
  renderer.on("leaveNode", function () {
    hovered = null;
    showCard(selected, selected !== null);
  });
  renderer.on("clickNode", function (e) { select(e.node, false); });
  renderer.on("clickStage", function () { select(null, false); });

  // Search: a combobox over names and ids (the first eight matches, most central first).
  var input = document.getElementById("map-search");
  var list = document.getElementById("map-matches");
  var matches = [], active = -1;
  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function setActive(k) {
    active = k;
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.setAttribute("aria-selected", i === k ? "true" : "false");
    });
    if (k >= 0) input.setAttribute("aria-activedescendant", "map-match-" + k);
  }
  function pick(k) {
    var node = matches[k];
    input.value = net.nodes[+node].name;
    closeList();
    select(node, true);
  }
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    list.textContent = "";
    matches = q === "" ? [] : order.filter(function (n) {
      var x = net.nodes[+n];
      return x.name.toLowerCase().indexOf(q) >= 0 || x.partner_id.toLowerCase().indexOf(q) >= 0;
    }).slice(0, 8);
    if (!matches.length) {
      closeList();
      return;
    }
    matches.forEach(function (n, k) {
      var li = document.createElement("li");
      li.id = "map-match-" + k;
      li.setAttribute("role", "option");
      li.textContent = net.nodes[+n].name + " (" + net.nodes[+n].partner_id + ")";
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        pick(k);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    setActive(0);
  });
  input.addEventListener("keydown", function (ev) {
    if (list.hidden) return;
    if (ev.key === "ArrowDown") setActive((active + 1) % matches.length);
    else if (ev.key === "ArrowUp") setActive((active + matches.length - 1) % matches.length);
    else if (ev.key === "Enter" && active >= 0) pick(active);
    else if (ev.key === "Escape") closeList();
    else return;
    ev.preventDefault();
  });
  input.addEventListener("blur", closeList);
  document.getElementById("map-reset").addEventListener("click", function () {
    input.value = "";
    closeList();
    select(null, false);
    renderer.getCamera().animatedReset({ duration: 300 });
  });

  renderer.once("afterRender", function () {
    root.setAttribute("data-ready", "map");
    window.ecographMap.readyAt = performance.now();
  });
  window.ecographMap = {
    renderer: renderer,
    // The partner ids whose label the last frame drew, with their boxes (viewport px).
    labels: function () {
      return boxes.filter(function (b) { return b.node !== null; }).map(function (b) {
        return { id: net.nodes[+b.node].partner_id, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
      });
    },
    highlightedEdges: highlightedEdges
  };
  renderer.refresh();
})();
