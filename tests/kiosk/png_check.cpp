// Checks a kiosk screenshot: the PNG decodes, has the expected size, and is not blank (many
// colours, a fair share of pixels away from the background). Usage: png_check FILE WIDTH HEIGHT
// Or compares two screenshots of one screen: png_check --same A B PER_MILLE passes when they have
// one size and, blurred over 3x3 pixels, at most PER_MILLE pixels in a thousand differ by more
// than a tenth of the range in some channel.
// Exit 0 when all hold; 1 with the reason on stderr otherwise.

#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string_view>
#include <vector>

namespace {

// Each channel averaged over the pixel and its eight neighbours.
std::vector<int> blurred(const unsigned char* px, int w, int h) {
  std::vector<int> out(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = x + dx, ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            sum += px[(static_cast<long>(ny) * w + nx) * 3 + c];
            ++n;
          }
        out[(static_cast<std::size_t>(y) * w + x) * 3 + c] = sum / n;
      }
  return out;
}

int same(const char* a_file, const char* b_file, double per_mille) {
  int aw = 0, ah = 0, bw = 0, bh = 0, channels = 0;
  unsigned char* a = stbi_load(a_file, &aw, &ah, &channels, 3);
  unsigned char* b = stbi_load(b_file, &bw, &bh, &channels, 3);
  int rc = 0;
  if (!a || !b) {
    std::fprintf(stderr, "png_check: %s: cannot decode: %s\n", a ? b_file : a_file, stbi_failure_reason());
    rc = 1;
  } else if (aw != bw || ah != bh) {
    std::fprintf(stderr, "png_check: %s is %dx%d, %s is %dx%d\n", a_file, aw, ah, b_file, bw, bh);
    rc = 1;
  } else {
    // Compared blurred over 3x3 pixels: an edge shaded differently (anti-aliased or not, a pixel
    // over) nearly vanishes, a shape or a glyph missing does not.
    const long total = static_cast<long>(aw) * ah;
    const std::vector<int> ab = blurred(a, aw, ah), bb = blurred(b, bw, bh);
    long differing = 0;
    for (long i = 0; i < total * 3; i += 3)
      if (std::abs(ab[i] - bb[i]) > 25 || std::abs(ab[i + 1] - bb[i + 1]) > 25 || std::abs(ab[i + 2] - bb[i + 2]) > 25)
        ++differing;
    const double found = 1000.0 * static_cast<double>(differing) / static_cast<double>(total);
    std::printf("png_check: %s and %s: %ld of %ld pixels differ (%.2f per mille, at most %.2f)\n", a_file, b_file,
                differing, total, found, per_mille);
    if (found > per_mille) rc = 1;
  }
  stbi_image_free(a);
  stbi_image_free(b);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string_view(argv[1]) == "--same") return same(argv[2], argv[3], std::atof(argv[4]));
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT | png_check --same A B PER_MILLE\n");
    return 2;
  }
  const int want_w = std::atoi(argv[2]);
  const int want_h = std::atoi(argv[3]);
  int w = 0, h = 0, channels = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &channels, 3);
  if (!px) {
    std::fprintf(stderr, "png_check: %s: cannot decode: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  int rc = 0;
  if (w != want_w || h != want_h) {
    std::fprintf(stderr, "png_check: %s is %dx%d, expected %dx%d\n", argv[1], w, h, want_w, want_h);
    rc = 1;
  }
  // The top-left pixel is window background; text, cards and buttons must differ from it.
  const long total = static_cast<long>(w) * h;
  long differing = 0;
  std::set<unsigned> colours;
  for (long i = 0; i < total; ++i) {
    const unsigned char* p = px + i * 3;
    const unsigned c = (unsigned{p[0]} << 16) | (unsigned{p[1]} << 8) | p[2];
    if (colours.size() < 4096) colours.insert(c);
    if (p[0] != px[0] || p[1] != px[1] || p[2] != px[2]) ++differing;
  }
  stbi_image_free(px);
  if (colours.size() < 16) {
    std::fprintf(stderr, "png_check: only %zu colours: the screen looks blank\n", colours.size());
    rc = 1;
  }
  if (differing * 100 < total * 2) {
    std::fprintf(stderr, "png_check: only %ld of %ld pixels differ from the background\n", differing, total);
    rc = 1;
  }
  if (rc == 0)
    std::printf("png_check: %s %dx%d, %zu+ colours, %ld pixels drawn\n", argv[1], w, h, colours.size(), differing);
  return rc;
}
