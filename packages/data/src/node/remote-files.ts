/** The datasets {@link download} knows. */
export type DownloadableDataset = 'fashion-mnist' | 'mnist' | 'cifar10' | 'cifar100' | 'stl10';

/** One file to download: where from, what it must hash to, and whether to unpack it. */
export interface RemoteFile {
  /** Name in the cache (and the name appended to a `mirror` URL). */
  fileName: string;
  /** Where to get it, tried in order until one gives the right bytes. */
  urls: readonly string[];
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** `'tar.gz'`: unpack into the dataset's folder and drop the archive. Default: keep the file as is. */
  archive?: 'tar.gz';
}

const FASHION = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
const LECUN = 'http://yann.lecun.com/exdb/mnist/';
// Google's CVDF copy of LeCun's files, tried when LeCun's server refuses (as it often does); the
// checksums below were recorded against this copy.
const CVDF = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

const idx = (bases: readonly string[], fileName: string, size: number, sha256: string): RemoteFile => ({
  fileName,
  urls: bases.map((b) => b + fileName),
  sha256,
  size,
});

/**
 * The publishers' files with their sizes and SHA-256 sums, as TensorFlow Datasets records them in its
 * `url_checksums` (for MNIST, against the CVDF copy).
 */
export const REMOTE_FILES: Readonly<Record<DownloadableDataset, readonly RemoteFile[]>> = {
  'fashion-mnist': [
    idx(
      [FASHION],
      'train-images-idx3-ubyte.gz',
      26421880,
      '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    ),
    idx(
      [FASHION],
      'train-labels-idx1-ubyte.gz',
      29515,
      'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    ),
    idx(
      [FASHION],
      't10k-images-idx3-ubyte.gz',
      4422102,
      '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    ),
    idx(
      [FASHION],
      't10k-labels-idx1-ubyte.gz',
      5148,
      '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    ),
  ],
  mnist: [
    idx(
      [LECUN, CVDF],
      'train-images-idx3-ubyte.gz',
      9912422,
      '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    ),
    idx(
      [LECUN, CVDF],
      'train-labels-idx1-ubyte.gz',
      28881,
      '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    ),
    idx(
      [LECUN, CVDF],
      't10k-images-idx3-ubyte.gz',
      1648877,
      '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    ),
    idx(
      [LECUN, CVDF],
      't10k-labels-idx1-ubyte.gz',
      4542,
      'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    ),
  ],
  cifar10: [
    {
      fileName: 'cifar-10-binary.tar.gz',
      urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
      sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
      size: 170052171,
      archive: 'tar.gz',
    },
  ],
  cifar100: [
    {
      fileName: 'cifar-100-binary.tar.gz',
      urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'],
      sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
      size: 168513733,
      archive: 'tar.gz',
    },
  ],
  stl10: [
    {
      fileName: 'stl10_binary.tar.gz',
      urls: ['http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz'],
      sha256: 'f31fd99273a1acb8609c8db427cebb1de3f71de77758cdc0e22956e1289b9866',
      size: 2640397119,
      archive: 'tar.gz',
    },
  ],
};
