// near.js — progressive enhancement for the search page's "near me" (B9): the button exists only with JavaScript,
// the browser asks for the position only when it is tapped, and the point (rounded to about 100 m) goes into this
// one search's query; nothing stores it. Refused or unavailable, the page says so and city search works as before.
'use strict';
const form = document.getElementById('near-form');
if (form && navigator.geolocation) {
  const hint = document.getElementById('near-hint');
  form.hidden = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById('near').value = `${pos.coords.latitude.toFixed(3)},${pos.coords.longitude.toFixed(3)}`;
        form.submit();
      },
      () => { hint.textContent = '没有取得您的位置（可能未允许）。您仍可以按城市和关键词搜索。'; },
      { maximumAge: 60000, timeout: 10000 });
  });
}
