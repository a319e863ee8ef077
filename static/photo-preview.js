// photo-preview.js — progressive enhancement for the photo upload form: shows the chosen photo before it is sent.
// The form works without it. The preview is a data: URL (the pages' CSP allows img-src 'self' data:); the file
// never leaves the browser until the person presses 上传照片.
'use strict';
document.querySelectorAll('input[type="file"][data-preview]').forEach((input) => {
  const img = document.getElementById(input.dataset.preview);
  if (!img) return;
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    if (!file || !file.type.startsWith('image/')) { img.hidden = true; img.removeAttribute('src'); return; }
    const reader = new FileReader();
    reader.onload = () => { img.src = reader.result; img.hidden = false; };
    reader.readAsDataURL(file);
  });
});
