/// fewshot's logo for Jupyter's launcher, drawn here as a PNG so the kernelspec needs no
/// image file: a dark tile with three small "shots" leading to a larger dot (few examples,
/// one prediction). The same bytes every time.
enum KernelLogo {
    /// The logo as a `size`×`size` RGBA PNG.
    static func png(size: Int) -> [UInt8] {
        PNGWriter.rgba(width: size, height: size) { x, y in pixel(x, y, size) }
    }

    /// The colour at (x, y): each dot's edge is smoothed over one pixel.
    private static func pixel(_ x: Int, _ y: Int, _ size: Int) -> (UInt8, UInt8, UInt8, UInt8) {
        let s = Double(size)
        let px = (Double(x) + 0.5) / s, py = (Double(y) + 0.5) / s
        // The tile: a rounded square.
        let corner = 0.18
        let dx = max(0, max(corner - px, px - (1 - corner))), dy = max(0, max(corner - py, py - (1 - corner)))
        let outside = (dx * dx + dy * dy).squareRoot() - corner
        let tile = min(1, max(0, -outside * s + 0.5))
        var color = (r: 0.11, g: 0.15, b: 0.22)
        let dots: [(x: Double, y: Double, r: Double)] = [
            (0.24, 0.30, 0.07), (0.24, 0.50, 0.07), (0.24, 0.70, 0.07), (0.66, 0.50, 0.17),
        ]
        for (k, dot) in dots.enumerated() {
            let d = ((px - dot.x) * (px - dot.x) + (py - dot.y) * (py - dot.y)).squareRoot()
            let cover = min(1, max(0, (dot.r - d) * s + 0.5))
            let ink = k == 3 ? (r: 0.98, g: 0.62, b: 0.16) : (r: 0.55, g: 0.80, b: 0.98)
            color = (
                color.r + (ink.r - color.r) * cover, color.g + (ink.g - color.g) * cover, color.b + (ink.b - color.b) * cover
            )
        }
        func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (byte(color.r), byte(color.g), byte(color.b), byte(tile))
    }
}

/// The smallest PNG encoder that works: 8-bit RGBA, zlib with stored (uncompressed) blocks,
/// CRC-32 and Adler-32 computed here. Fine for a 64×64 logo.
enum PNGWriter {
    static func rgba(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8, UInt8)) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * 4 + 1))
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let (r, g, b, a) = pixel(x, y)
                raw += [r, g, b, a]
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 6, 0, 0, 0])
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let last: UInt8 = offset + count == data.count ? 1 : 0
            out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
