// The phone preview: show the newest texts (like a phone does) and put the cursor back in the text box.
document.addEventListener("DOMContentLoaded", () => {
  const bubbles = document.querySelector(".bubbles");
  if (bubbles) bubbles.scrollTop = bubbles.scrollHeight;
  const box = document.querySelector(".preview-form textarea");
  if (box && document.querySelector(".bubble")) box.focus();
});
