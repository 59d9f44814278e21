// Lucide icons for the panels not moved to Svelte yet: an SVG element, hidden from assistive
// technology (the button carries the name).
import { createElement, type IconNode } from "lucide";

export function iconOf(icon: IconNode, size = 16): SVGElement {
  const svg = createElement(icon);
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  return svg;
}
