// The pages' behaviour: upload with progress, validation progress by polling the API, the
// receipt's print button, the token list. No framework, nothing fetched from elsewhere.
"use strict";

function csrf() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : "";
}

function api(method, url, body) {
  const headers = { "X-CSRF-Token": csrf() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(url, { method, headers, credentials: "same-origin",
                      body: body === undefined ? undefined : JSON.stringify(body) })
    .then(async (r) => {
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(data.detail ? String(data.detail) : "请求失败（" + r.status + "）");
      return data;
    });
}

function showError(el, text) {
  el.textContent = text;
  el.hidden = false;
}

function upload(file) {
  const drop = document.getElementById("drop");
  const box = document.getElementById("upload");
  const err = document.getElementById("upload-error");
  err.hidden = true;
  const ext = file.name.toLowerCase().split(".").pop();
  if (!["zip", "json", "xlsx"].includes(ext)) {
    showError(err, "只接受 .zip、.json 或 .xlsx 文件；数据包文件夹请先压缩为 .zip。");
    return;
  }
  if (file.size > Number(drop.dataset.maxBytes)) {
    showError(err, "文件超过大小上限。");
    return;
  }
  document.getElementById("upload-name").textContent = file.name;
  box.hidden = false;
  const bar = document.getElementById("upload-bar");
  const pct = document.getElementById("upload-pct");
  const xhr = new XMLHttpRequest();
  // the reporting period and, for a 补报, the returned submission it replaces
  const params = new URLSearchParams({ filename: file.name });
  const period = document.getElementById("period"), replaces = document.getElementById("replaces");
  if (period && period.value.trim()) params.set("period", period.value.trim());
  if (replaces && replaces.value) params.set("replaces", replaces.value);
  xhr.open("POST", "/api/v1/submissions?" + params.toString());
  xhr.setRequestHeader("X-CSRF-Token", csrf());
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) {
      bar.value = Math.round((e.loaded / e.total) * 100);
      pct.textContent = bar.value + "%";
    }
  };
  xhr.onload = () => {
    let data = {};
    try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: shown below */ }
    if (xhr.status === 202 && data.id) {
      window.location.href = "/submissions/" + encodeURIComponent(data.id);
    } else {
      box.hidden = true;
      showError(err, data.detail ? String(data.detail) : "上传失败（" + xhr.status + "）");
    }
  };
  xhr.onerror = () => { box.hidden = true; showError(err, "网络错误，上传未完成。"); };
  xhr.send(file);
}

function setupDrop() {
  const drop = document.getElementById("drop");
  if (!drop) return;
  const input = document.getElementById("file");
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => {
    e.preventDefault(); drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => {
    e.preventDefault(); drop.classList.remove("over");
  }));
  drop.addEventListener("drop", (e) => {
    const files = e.dataTransfer ? e.dataTransfer.files : null;
    if (files && files.length) upload(files[0]);
  });
  input.addEventListener("change", () => { if (input.files.length) upload(input.files[0]); });
}

const STATUS = { queued: "排队中", running: "校验中", done: "已完成", failed: "校验失败" };

function watchSubmission() {
  const box = document.getElementById("submission");
  if (!box || box.dataset.final === "yes") return;
  const id = box.dataset.id;
  const tick = () => api("GET", "/api/v1/submissions/" + encodeURIComponent(id)).then((s) => {
    document.getElementById("status").textContent = STATUS[s.status] || s.status;
    const bar = document.getElementById("val-bar");
    const text = document.getElementById("val-text");
    if (s.progress.total) {
      bar.max = s.progress.total; bar.value = s.progress.done;
      text.textContent = s.progress.done + "/" + s.progress.total + " 张表";
    } else if (s.status === "queued") {
      text.textContent = "排队等待校验";
    }
    if (s.status === "done" || s.status === "failed") window.location.reload();
    else setTimeout(tick, 1000);
  }).catch(() => setTimeout(tick, 3000));
  setTimeout(tick, 500);
}

function tokenRow(t) {
  const tr = document.createElement("tr");
  const state = t.revoked_at ? "已吊销" : "有效";
  [t.id, t.name, t.prefix + "…", t.scopes.join(" "), t.expires_at, t.last_used_at || "", state].forEach((v) => {
    const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
  });
  const td = document.createElement("td");
  if (!t.revoked_at) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = "吊销";
    b.addEventListener("click", () => api("DELETE", "/api/v1/tokens/" + t.id).then(loadTokens));
    td.appendChild(b);
  }
  tr.appendChild(td);
  return tr;
}

function loadTokens() {
  const body = document.getElementById("token-rows");
  api("GET", "/api/v1/tokens").then((d) => {
    body.replaceChildren(...d.items.map(tokenRow));
  }).catch((e) => showError(document.getElementById("token-error"), e.message));
}

function setupTokens() {
  if (!document.getElementById("tokens")) return;
  loadTokens();
  const form = document.getElementById("token-form");
  if (!form) return;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const scopes = ["submit", "read"].filter((s) => form.elements[s].checked);
    api("POST", "/api/v1/tokens", { name: form.elements.name.value, days: Number(form.elements.days.value), scopes })
      .then((t) => {
        document.getElementById("token-value").textContent = t.token;
        document.getElementById("token-new").hidden = false;
        loadTokens();
      }).catch((err) => showError(document.getElementById("token-error"), err.message));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupDrop();
  watchSubmission();
  setupTokens();
  const p = document.getElementById("print");
  if (p) p.addEventListener("click", () => window.print());
});
