import { isUpstreamContentUrl } from './content-source';

describe('isUpstreamContentUrl', () => {
  const upstream = { url: 'https://hq.example.com/upstream/v1/catalog', token: 'pgd_x' };
  const sha = 'a'.repeat(64);

  it('is true only for the upstream origin\'s content route, so the token goes nowhere else', () => {
    expect(isUpstreamContentUrl(new URL(`https://hq.example.com/content/v1/files/${sha}`), upstream)).toBe(true);
    for (const url of [
      `http://hq.example.com/content/v1/files/${sha}`,
      `https://hq.example.com:8443/content/v1/files/${sha}`,
      `https://evil.example.com/content/v1/files/${sha}`,
      `https://hq.example.com.evil.example/content/v1/files/${sha}`,
      'https://hq.example.com/content/v1/files/not-a-hash',
      `https://hq.example.com/upstream/v1/catalog`,
      `https://downloads.vendor.example/${sha}.msu`,
    ]) {
      expect({ url, credentialed: isUpstreamContentUrl(new URL(url), upstream) }).toEqual({ url, credentialed: false });
    }
    expect(isUpstreamContentUrl(new URL(`https://hq.example.com/content/v1/files/${sha}`), { url: 'not a url', token: 'pgd_x' })).toBe(false);
  });
});
