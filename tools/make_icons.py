"""Draw the app icons and favicon into tipboard/static/icons/ (run once; the files are committed).

    .venv/bin/python tools/make_icons.py

The mark is a white map pin with an exclamation mark on the station blue. The maskable icon keeps
the pin inside the central 80 % safe zone, as the web app manifest's "maskable" purpose requires.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "tipboard" / "static" / "icons"
BLUE = (11, 92, 173, 255)  # --brand in site.css
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large and scaled down, for smooth edges


def pin(size: int, mark: float, rounded: bool) -> Image.Image:
    """A square icon of ``size`` px whose pin is ``mark`` (0-1) of its height."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    else:
        draw.rectangle((0, 0, big, big), fill=BLUE)
    h = big * mark
    r = h * 0.36  # the pin's head
    cx, top = big / 2, (big - h) / 2
    cy = top + r
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    draw.polygon([(cx - r * 0.82, cy + r * 0.55), (cx + r * 0.82, cy + r * 0.55), (cx, top + h)], fill=WHITE)
    w = r * 0.22  # the exclamation mark
    draw.rounded_rectangle((cx - w / 2, cy - r * 0.62, cx + w / 2, cy + r * 0.22), radius=w / 2, fill=BLUE)
    draw.ellipse((cx - w * 0.6, cy + r * 0.36, cx + w * 0.6, cy + r * 0.36 + w * 1.2), fill=BLUE)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        pin(size, 0.72, rounded=True).save(OUT / f"icon-{size}.png", optimize=True)
        pin(size, 0.56, rounded=False).save(OUT / f"maskable-{size}.png", optimize=True)
    pin(180, 0.62, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    pin(64, 0.8, rounded=True).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])


if __name__ == "__main__":
    main()
