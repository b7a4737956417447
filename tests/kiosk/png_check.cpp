// Checks a kiosk screenshot: the PNG decodes, has the expected size, and is not blank (many
// colours, a fair share of pixels away from the background). Usage: png_check FILE WIDTH HEIGHT
// Exit 0 when all hold; 1 with the reason on stderr otherwise.

#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <set>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT\n");
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
