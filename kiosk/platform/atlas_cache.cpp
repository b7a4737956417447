// The glyph-set and atlas files of a warm start (atlas_cache.h).
//
// Layout (native byte order: the files never leave the machine that wrote them):
//   magic (8 bytes) | layout (IMGUI_VERSION_NUM, sizeof ImWchar, sizeof ImFontGlyph) | payload |
//   FNV-1a 64 of everything before it
// glyphs payload: count, code points.
// atlas payload: texture width, height, UV scale, white pixel, baked-line UVs; body and heading
//   font indexes; per font its size, ascent, descent, fallback/ellipsis/dot characters, surface,
//   4K-page map and glyphs; then width x height 8-bit pixels.

#include "kiosk/platform/atlas_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <system_error>

#include "base/file.h"
#include "kiosk/platform/fonts.h"

namespace posdrill {

namespace {

constexpr char glyph_magic[8] = {'P', 'D', 'G', 'L', 'Y', 'P', 'H', '2'};
constexpr char atlas_magic[8] = {'P', 'D', 'A', 'T', 'L', 'A', 'S', '2'};
constexpr std::size_t max_cache_bytes = 80u << 20;  // a 4096 x 4096 atlas and its glyphs fit well

struct Layout {
  uint32_t imgui = IMGUI_VERSION_NUM;
  uint32_t wchar = sizeof(ImWchar);
  uint32_t glyph = sizeof(ImFontGlyph);
};

class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  void bytes(const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
  std::string out;
};

class Reader {
 public:
  Reader(const unsigned char* p, std::size_t n) : p_(p), n_(n) {}
  template <typename T>
  bool get(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    return bytes(&v, sizeof v);
  }
  bool bytes(void* dst, std::size_t n) {
    if (n > n_ - at_) return false;
    std::memcpy(dst, p_ + at_, n);
    at_ += n;
    return true;
  }
  std::size_t left() const { return n_ - at_; }

 private:
  const unsigned char* p_;
  std::size_t n_;
  std::size_t at_ = 0;
};

// The files' checksum: FNV-1a's step over 8-byte words (then the last bytes one by one), a few
// times faster than byte by byte over a 1-2 MB atlas. It catches damage, not tampering.
uint64_t checksum(const unsigned char* p, std::size_t n) {
  uint64_t h = fnv_offset;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
  }
  return fnv1a_64(p + i, n - i, h);
}

std::string hex(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
  return s;
}

// Adds the size and modification time of `file` (nothing when it cannot be read).
uint64_t stat_into(const std::filesystem::path& file, uint64_t h) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return h;
  const int64_t size = st.st_size, sec = st.st_mtim.tv_sec, nsec = st.st_mtim.tv_nsec;
  h = fnv1a_64(&size, sizeof size, h);
  h = fnv1a_64(&sec, sizeof sec, h);
  return fnv1a_64(&nsec, sizeof nsec, h);
}

// Writes `w` with its magic, layout and checksum to `file` through a temporary file, then removes
// the other files of the folder named `prefix`*.bin.
bool write_file(const std::filesystem::path& file, const char (&magic)[8], const Writer& w, const char* prefix,
                std::string& error) {
  Writer all;
  all.bytes(magic, sizeof magic);
  all.put(Layout{});
  all.bytes(w.out.data(), w.out.size());
  all.put(checksum(reinterpret_cast<const unsigned char*>(all.out.data()), all.out.size()));
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  // Named by the process: two writers never share one temporary file.
  const std::filesystem::path tmp = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(all.out.data(), static_cast<std::streamsize>(all.out.size()));
    out.flush();
    if (!out) {
      error = "cannot write " + tmp.string();
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    error = "cannot rename " + tmp.string() + ": " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  for (const auto& entry : std::filesystem::directory_iterator(file.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path() != file && name.rfind(prefix, 0) == 0 && entry.path().extension() == ".bin")
      std::filesystem::remove(entry.path(), ec);
  }
  return true;
}

// Reads `file` and checks its magic, layout and checksum; the payload is what lies between.
bool read_file(const std::filesystem::path& file, const char (&magic)[8], MappedFile& bytes,
               std::size_t& payload_at, std::size_t& payload_size, std::string& why) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    why = "none for this content yet";
    return false;
  }
  // Mapped, not read: the pixels are copied once, from the page cache into the atlas.
  if (!bytes.open(file, max_cache_bytes, why)) {
    why = file.string() + ": " + why;
    return false;
  }
  const std::size_t head = sizeof magic + sizeof(Layout);
  if (bytes.size() < head + sizeof(uint64_t)) {
    why = file.string() + ": too short";
    return false;
  }
  if (std::memcmp(bytes.data(), magic, sizeof magic) != 0) {
    why = file.string() + ": not a posdrill cache file";
    return false;
  }
  Layout layout;
  std::memcpy(&layout, bytes.data() + sizeof magic, sizeof layout);
  const Layout ours;
  if (layout.imgui != ours.imgui || layout.wchar != ours.wchar || layout.glyph != ours.glyph) {
    why = file.string() + ": written by another ImGui build";
    return false;
  }
  uint64_t sum = 0;
  std::memcpy(&sum, bytes.data() + bytes.size() - sizeof sum, sizeof sum);
  if (sum != checksum(bytes.data(), bytes.size() - sizeof sum)) {
    why = file.string() + ": damaged (checksum)";
    return false;
  }
  payload_at = head;
  payload_size = bytes.size() - head - sizeof sum;
  return true;
}

}  // namespace

uint64_t fnv1a_64(const void* data, std::size_t size, uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

bool glyph_cache_key(const std::filesystem::path& content_dir, const std::filesystem::path& program,
                     const std::vector<std::string>& extra_texts, bool spare, uint64_t& key, std::string& error) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(content_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) {
    error = "cannot list " + content_dir.string() + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  uint64_t h = fnv_offset;
  std::string bytes;
  for (const std::filesystem::path& f : files) {
    const std::string rel = f.lexically_relative(content_dir).string();
    h = fnv1a_64(rel.data(), rel.size() + 1, h);  // with its terminating NUL: names do not run together
    if (!read_bounded_file(f, max_cache_bytes, bytes, error)) {
      error = f.string() + ": " + error;
      return false;
    }
    const uint64_t n = bytes.size();
    h = fnv1a_64(&n, sizeof n, h);
    h = fnv1a_64(bytes.data(), bytes.size(), h);
  }
  h = stat_into(program, h);
  for (const std::string& t : extra_texts) h = fnv1a_64(t.data(), t.size() + 1, h);
  const unsigned char s = spare ? 1 : 0;
  key = fnv1a_64(&s, 1, h);
  return true;
}

uint64_t atlas_cache_key(uint64_t glyph_key, const std::filesystem::path& font_file, int face, float body_px,
                         float heading_px, float line_per_em) {
  uint64_t h = fnv1a_64(&glyph_key, sizeof glyph_key);
  const std::string path = font_file.string();
  h = fnv1a_64(path.data(), path.size() + 1, h);
  h = stat_into(font_file, h);
  h = fnv1a_64(&face, sizeof face, h);
  for (float v : {body_px, heading_px, line_per_em}) h = fnv1a_64(&v, sizeof v, h);
  return h;
}

std::filesystem::path glyph_cache_file(const std::filesystem::path& dir, uint64_t key) {
  return dir / ("glyphs-" + hex(key) + ".bin");
}

std::filesystem::path atlas_cache_file(const std::filesystem::path& dir, uint64_t key) {
  return dir / ("atlas-" + hex(key) + ".bin");
}

bool save_glyph_cache(const std::filesystem::path& file, const std::vector<uint32_t>& code_points,
                      std::string& error) {
  Writer w;
  w.put(static_cast<uint64_t>(code_points.size()));
  w.bytes(code_points.data(), code_points.size() * sizeof(uint32_t));
  return write_file(file, glyph_magic, w, "glyphs-", error);
}

std::optional<std::vector<uint32_t>> load_glyph_cache(const std::filesystem::path& file, std::string& why) {
  MappedFile bytes;
  std::size_t at = 0, size = 0;
  if (!read_file(file, glyph_magic, bytes, at, size, why)) return std::nullopt;
  Reader r(bytes.data() + at, size);
  uint64_t n = 0;
  if (!r.get(n) || n != r.left() / sizeof(uint32_t) || r.left() % sizeof(uint32_t) != 0) {
    why = file.string() + ": the glyph count does not match the file";
    return std::nullopt;
  }
  std::vector<uint32_t> out(static_cast<std::size_t>(n));
  r.bytes(out.data(), out.size() * sizeof(uint32_t));
  if (!std::is_sorted(out.begin(), out.end()) || std::adjacent_find(out.begin(), out.end()) != out.end()) {
    why = file.string() + ": the glyph set is not sorted and unique";
    return std::nullopt;
  }
  return out;
}

bool save_atlas_cache(const std::filesystem::path& file, const ImFontAtlas& atlas, const Theme& theme,
                      std::string& error) {
  if (!atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0) {
    error = "the atlas holds no 8-bit pixels to keep";
    return false;
  }
  const auto index_of = [&](const ImFont* f) {
    for (int i = 0; i < atlas.Fonts.Size; ++i)
      if (atlas.Fonts[i] == f) return i;
    return -1;
  };
  const int32_t body = index_of(theme.body), heading = index_of(theme.heading);
  if (body < 0 || heading < 0) {
    error = "the theme's fonts are not the atlas's";
    return false;
  }
  Writer w;
  w.put(static_cast<int32_t>(atlas.TexWidth));
  w.put(static_cast<int32_t>(atlas.TexHeight));
  w.put(atlas.TexUvScale);
  w.put(atlas.TexUvWhitePixel);
  w.put(atlas.TexUvLines);
  w.put(body);
  w.put(heading);
  w.put(static_cast<int32_t>(atlas.Fonts.Size));
  for (const ImFont* f : atlas.Fonts) {
    w.put(f->FontSize);
    w.put(f->Ascent);
    w.put(f->Descent);
    w.put(f->FallbackChar);
    w.put(f->EllipsisChar);
    w.put(f->DotChar);
    w.put(static_cast<int32_t>(f->MetricsTotalSurface));
    w.put(f->Used4kPagesMap);
    w.put(static_cast<int32_t>(f->Glyphs.Size));
    w.bytes(f->Glyphs.Data, static_cast<std::size_t>(f->Glyphs.Size) * sizeof(ImFontGlyph));
  }
  w.bytes(atlas.TexPixelsAlpha8, static_cast<std::size_t>(atlas.TexWidth) * static_cast<std::size_t>(atlas.TexHeight));
  return write_file(file, atlas_magic, w, "atlas-", error);
}

bool load_atlas_cache(const std::filesystem::path& file, ImFontAtlas& atlas, Theme& theme, std::string& why) {
  MappedFile bytes;
  std::size_t at = 0, size = 0;
  if (!read_file(file, atlas_magic, bytes, at, size, why)) return false;
  Reader r(bytes.data() + at, size);
  int32_t w = 0, h = 0, body = -1, heading = -1, fonts = 0;
  ImVec2 uv_scale, white;
  ImVec4 lines[IM_ARRAYSIZE(atlas.TexUvLines)];
  const auto refuse = [&](const std::string& what) {
    atlas.Clear();
    why = file.string() + ": " + what;
    return false;
  };
  if (!r.get(w) || !r.get(h) || !r.get(uv_scale) || !r.get(white) || !r.get(lines) || !r.get(body) ||
      !r.get(heading) || !r.get(fonts))
    return refuse("too short");
  if (w <= 0 || h <= 0 || w > 16384 || h > 16384 || fonts <= 0 || fonts > 8 || body < 0 || body >= fonts ||
      heading < 0 || heading >= fonts)
    return refuse("sizes out of range");
  atlas.Clear();
  for (int32_t i = 0; i < fonts; ++i) {
    ImFont* f = IM_NEW(ImFont)();
    atlas.Fonts.push_back(f);
    int32_t surface = 0, glyphs = 0;
    if (!r.get(f->FontSize) || !r.get(f->Ascent) || !r.get(f->Descent) || !r.get(f->FallbackChar) ||
        !r.get(f->EllipsisChar) || !r.get(f->DotChar) || !r.get(surface) || !r.get(f->Used4kPagesMap) ||
        !r.get(glyphs))
      return refuse("too short");
    if (glyphs <= 0 || static_cast<std::size_t>(glyphs) > r.left() / sizeof(ImFontGlyph))
      return refuse("a glyph count out of range");
    f->MetricsTotalSurface = surface;
    f->ContainerAtlas = &atlas;
    f->Glyphs.resize(glyphs);
    r.bytes(f->Glyphs.Data, static_cast<std::size_t>(glyphs) * sizeof(ImFontGlyph));
    f->BuildLookupTable();
  }
  const std::size_t pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  if (r.left() != pixels) return refuse("the pixels do not match the texture's size");
  atlas.TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(pixels));
  r.bytes(atlas.TexPixelsAlpha8, pixels);
  atlas.TexWidth = w;
  atlas.TexHeight = h;
  atlas.TexUvScale = uv_scale;
  atlas.TexUvWhitePixel = white;
  std::copy(std::begin(lines), std::end(lines), std::begin(atlas.TexUvLines));
  atlas.TexReady = true;
  theme.body = atlas.Fonts[body];
  theme.heading = atlas.Fonts[heading];
  return true;
}

}  // namespace posdrill
