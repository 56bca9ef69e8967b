// A sysctl(8) key as a file under /proc/sys: dots separate levels, and a dot
// inside an interface name is written as '/' in the key
// (net.ipv4.conf.eth0/100.proxy_arp is /proc/sys/net/ipv4/conf/eth0.100/proxy_arp).
export const sysctlPath = (key: string, root = '/proc/sys'): string =>
  [root.replace(/\/$/, ''), ...key.split('.').map((level) => level.replace(/\//g, '.'))].join('/');
