import { useEffect, useState } from "preact/hooks";

/**
 * A QR code of `text`, drawn as an SVG image (a data: URI, which the page's
 * Content-Security-Policy allows for images). The qrcode library is loaded only when a QR
 * code is on show, so phones never download it.
 */
export function Qr({ text, label, size = 320 }: { text: string; label: string; size?: number }) {
  const [src, setSrc] = useState("");
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((qr) => qr.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } }))
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setSrc(""));
    return () => {
      live = false;
    };
  }, [text]);
  if (!src) return <div class="qr qr-empty" role="img" aria-label={label} />;
  return <img class="qr" src={src} width={size} height={size} alt={label} />;
}
