/**
 * Hand-written word lists for the synthetic arXiv corpus. The rest of the ~30k vocabulary is
 * pseudo-words (see world.ts), so real words carry the head of the distribution and the topical
 * signal that makes keyword queries look like what people type.
 */

/** Frequent words, roughly in frequency order: the head of the global Zipf distribution. */
export const HEAD = `the of and to a in we is for that this on with as by are an be our which from these it
can show model results method approach paper propose based data using two also such new use problem
performance their more between has than learning framework both each over its not one used have been how
via time under when while into them first however only where existing set different address present well
demonstrate work three large all high study other provide across analysis further through most
significantly many without achieve compared improve simple efficient novel experiments recent important key
among multiple several general effective small often within given applications develop consider allows leads
obtain thus then here even may will some both very these those they there what because large same due
towards beyond revisiting understanding rethinking theory scalable robust adaptive unified provable fast
hierarchical generalized deep universal optimal principled practical learned implicit explicit accurate
improved lightweight modular structured conditional unsupervised supervised neural benchmark evaluation
extensive empirical theoretical analysis outperforms baselines previous prior challenging remains critical
crucial fundamental widely real world settings scenarios tasks task challenge limitations limited strong
competitive promising substantial gains capture captures complex simple underlying standard typical regime
number order scale size level rate terms case cases example form class family type types way ways part
result finding findings insight insights evidence support paper studies known proposed introduce introduces
present presents investigate investigates explore explores demonstrate shows reveal reveals yields achieves
enables allow enabling making make makes design designed build built called named termed code available
publicly release open source`;

export interface DomainGroup {
  name: string;
  /** Categories this group's topics use as primary; the first is the most common. */
  categories: string[];
  /** How many of the 200 topics belong to the group. */
  topics: number;
  /** Relative popularity of one topic in the group (ML is most of arXiv's volume now). */
  weight: number;
  words: string;
}

export const GROUPS: DomainGroup[] = [
  {
    name: 'ml',
    categories: ['cs.LG', 'stat.ML'],
    topics: 16,
    weight: 3,
    words: `gradient optimization
    regularization generalization overfitting stochastic descent convergence kernel embedding representation
    adversarial robustness pretraining finetuning transformer attention loss training inference sparse
    ensemble bayesian variational posterior latent autoencoder diffusion generative dropout batch weights
    hyperparameter federated privacy transfer contrastive calibration`,
  },
  {
    name: 'cv',
    categories: ['cs.CV', 'eess.IV'],
    topics: 16,
    weight: 2.5,
    words: `image segmentation detection
    pixel camera depth stereo pose tracking video scene recognition object semantic instance resolution
    denoising rendering texture optical flow point cloud lidar reconstruction occlusion saliency illumination
    keypoint frames visual`,
  },
  {
    name: 'nlp',
    categories: ['cs.CL'],
    topics: 14,
    weight: 2.5,
    words: `language translation sentence token corpus
    syntax parsing dialogue question answering summarization entity lexical multilingual speech prompt
    instruction reasoning retrieval grammar morphology sentiment annotation vocabulary decoding hallucination
    factuality`,
  },
  {
    name: 'ai',
    categories: ['cs.AI', 'cs.MA'],
    topics: 8,
    weight: 1.5,
    words: `agent planning policy reward
    environment exploration game search heuristic logic knowledge ontology satisfiability multiagent
    negotiation commonsense symbolic argumentation`,
  },
  {
    name: 'robo',
    categories: ['cs.RO'],
    topics: 8,
    weight: 1.2,
    words: `robot manipulation grasping locomotion
    trajectory controller actuator navigation odometry localization mapping gripper legged quadrotor
    kinematics teleoperation`,
  },
  {
    name: 'sec',
    categories: ['cs.CR'],
    topics: 6,
    weight: 1,
    words: `attack malware encryption cryptographic
    protocol vulnerability authentication intrusion firewall blockchain ledger signature phishing fuzzing
    exploit`,
  },
  {
    name: 'ds',
    categories: ['cs.DS', 'cs.CC'],
    topics: 6,
    weight: 0.8,
    words: `algorithm complexity
    approximation graph vertex edge matching polynomial bound hardness randomized streaming sketch hashing
    sorting tree spanning partition clustering combinatorial`,
  },
  {
    name: 'ir',
    categories: ['cs.IR'],
    topics: 5,
    weight: 0.8,
    words: `ranking recommendation query document
    relevance click user collaborative filtering index personalization session`,
  },
  {
    name: 'dc',
    categories: ['cs.DC', 'cs.AR'],
    topics: 5,
    weight: 0.8,
    words: `distributed cluster scheduling
    latency throughput cache consensus replication fault tolerance serverless storage memory parallel
    accelerator compiler`,
  },
  {
    name: 'se',
    categories: ['cs.SE', 'cs.PL'],
    topics: 5,
    weight: 0.8,
    words: `software program bug
    repository developer refactoring specification verification static synthesis testing debugging`,
  },
  {
    name: 'opt',
    categories: ['math.OC'],
    topics: 6,
    weight: 0.8,
    words: `convex nonconvex duality lagrangian
    constraint feasible primal proximal minimax saddle objective linear quadratic semidefinite integer`,
  },
  {
    name: 'stats',
    categories: ['math.ST', 'stat.ME', 'math.PR'],
    topics: 8,
    weight: 0.8,
    words: `random
    probability distribution estimator variance asymptotic regression likelihood hypothesis confidence
    interval sampling martingale brownian covariance bootstrap nonparametric`,
  },
  {
    name: 'num',
    categories: ['math.NA', 'math.AP'],
    topics: 6,
    weight: 0.6,
    words: `equation boundary elliptic
    parabolic hyperbolic finite element discretization mesh solver iterative preconditioner multigrid
    stability error estimate weak sobolev regularity existence uniqueness nonlinear`,
  },
  {
    name: 'comb',
    categories: ['math.CO'],
    topics: 4,
    weight: 0.5,
    words: `permutation coloring chromatic lattice
    polytope matroid enumeration bijection tableaux hypergraph`,
  },
  {
    name: 'optics',
    categories: ['physics.optics'],
    topics: 6,
    weight: 0.6,
    words: `photonic waveguide resonator
    wavelength cavity plasmonic metasurface dispersion soliton fiber pulse femtosecond polarization`,
  },
  {
    name: 'fluids',
    categories: ['physics.flu-dyn'],
    topics: 5,
    weight: 0.5,
    words: `turbulence vortex viscous
    reynolds layer navier stokes shear convection droplet instability jet wake`,
  },
  {
    name: 'cond',
    categories: ['cond-mat.mes-hall', 'cond-mat.str-el', 'cond-mat.supr-con', 'cond-mat.mtrl-sci'],
    topics: 10,
    weight: 0.7,
    words: `spin electron phonon magnetic topological graphene insulator band fermi
    hubbard magnon exciton skyrmion ferromagnet antiferromagnet kondo disorder transport conductance`,
  },
  {
    name: 'statmech',
    categories: ['cond-mat.stat-mech'],
    topics: 5,
    weight: 0.5,
    words: `entropy equilibrium
    fluctuation thermodynamic phase transition critical percolation ising glass active nonequilibrium`,
  },
  {
    name: 'astro',
    categories: ['astro-ph.CO', 'astro-ph.GA', 'astro-ph.HE'],
    topics: 10,
    weight: 0.8,
    words: `galaxy dark matter energy redshift halo supernova lensing inflation baryon quasar stellar star
    luminosity telescope survey spectra accretion magnetar pulsar nebula exoplanet`,
  },
  {
    name: 'hepth',
    categories: ['hep-th'],
    topics: 8,
    weight: 0.6,
    words: `gauge string holographic brane
    supersymmetry conformal anomaly entanglement operator amplitude scattering moduli compactification
    instanton renormalization`,
  },
  {
    name: 'hepph',
    categories: ['hep-ph', 'hep-ex'],
    topics: 7,
    weight: 0.6,
    words: `hadron quark gluon neutrino
    higgs boson lepton decay cross section jets flavor axion`,
  },
  {
    name: 'grqc',
    categories: ['gr-qc'],
    topics: 6,
    weight: 0.5,
    words: `gravitational wave horizon spacetime
    curvature merger binary inspiral cosmic tidal`,
  },
  {
    name: 'quant',
    categories: ['quant-ph'],
    topics: 10,
    weight: 0.9,
    words: `quantum decoherence circuit gate
    correction measurement superposition photon teleportation annealing hamiltonian fidelity noise channel
    coherent`,
  },
  {
    name: 'eess',
    categories: ['eess.SP', 'cs.IT'],
    topics: 6,
    weight: 0.6,
    words: `signal wireless beamforming
    modulation spectrum estimation compressed sensing radar frequency filter fading interference receiver
    transmitter`,
  },
  {
    name: 'qbio',
    categories: ['q-bio.NC', 'q-bio.BM'],
    topics: 5,
    weight: 0.4,
    words: `neuron spiking cortex
    synaptic plasticity brain firing hippocampus connectivity cognitive dendritic`,
  },
  {
    name: 'econ',
    categories: ['econ.EM', 'q-fin.ST'],
    topics: 4,
    weight: 0.4,
    words: `causal treatment
    instrumental panel econometric endogeneity heterogeneity market demand auction welfare forecasting
    volatility`,
  },
  {
    name: 'comp',
    categories: ['physics.comp-ph', 'physics.chem-ph'],
    topics: 5,
    weight: 0.4,
    words: `molecule
    atomic potential force chemical reaction catalyst solvent crystal`,
  },
];

/**
 * Synonym concepts: variants share no token after FTS5 tokenizing + stemming (world.ts checks
 * this and fails loudly). The group decides which kind of topic the concept lives in.
 */
export const CONCEPTS: { group: string; variants: string[] }[] = [
  ['robo', 'automobile|car|motor vehicle'],
  ['ml', 'ConvNet|CNN|convolutional backbone'],
  ['ml', 'SVM|support vector machine|max-margin separator'],
  ['stats', 'PCA|principal components|Karhunen-Loeve expansion'],
  ['robo', 'UAV|drone|unmanned aircraft'],
  ['stats', 'MCMC|Markov chain Monte Carlo|Metropolis-Hastings'],
  ['qbio', 'myocardial infarction|cardiac arrest|coronary thrombosis'],
  ['dc', 'GPU|graphics processor|CUDA device'],
  ['qbio', 'tumor|neoplasm|malignant lesion'],
  ['cond', 'Bose-Einstein condensate|BEC|ultracold superfluid'],
  ['astro', 'quintessence|cosmological constant|lambda vacuum'],
  ['grqc', 'LIGO|laser interferometer|Virgo detector'],
  ['quant', 'qubit|Bloch sphere|Rabi oscillator'],
  ['cond', 'DFT|Kohn-Sham scheme|ab initio'],
  ['nlp', 'BERT|bidirectional encoder|RoBERTa'],
  ['nlp', 'ASR|automatic transcription|dictation engine'],
  ['cv', 'OCR|glyph reader|handwriting digitizer'],
  ['ml', 'GNN|message-passing net|neighborhood aggregator'],
  ['robo', 'autonomous driving|driverless mobility|robotaxi'],
  ['qbio', 'electroencephalography|EEG|scalp recording'],
  ['qbio', 'fMRI|BOLD contrast|hemodynamic scans'],
  ['qbio', 'protein folding|AlphaFold|tertiary conformation'],
  ['comp', 'molecular dynamics|atomistic simulation|LAMMPS'],
  ['cv', 'NeRF|radiance field|volumetric photogrammetry'],
  ['nlp', 'word2vec|skip-gram|GloVe'],
  ['optics', 'solar cell|photovoltaic|PV module'],
  ['cond', 'lithium battery|Li-ion pack|rechargeable accumulator'],
  ['cond', 'superconductor|Cooper pairing|Meissner levitation'],
  ['grqc', 'black hole|Schwarzschild singularity|Kerr metric'],
  ['sec', 'ransomware|extortion trojan|crypto-locker'],
  ['sec', 'DDoS|botnet flood|traffic amplification'],
  ['ir', 'recommender|suggestion list|taste profiler'],
  ['dc', 'MapReduce|Hadoop|Spark job'],
  ['se', 'unit tests|assertion suite|JUnit'],
  ['econ', 'RCT|clinical trial|randomised allocation'],
  ['hepph', 'LHC|CERN collider|ATLAS'],
  ['eess', 'MIMO|multi-antenna array|spatial multiplexing'],
  ['ds', 'NP-hard|intractable|computationally infeasible'],
  ['ml', 'catastrophic forgetting|lifelong retention|continual plasticity'],
  ['ml', 'teacher-student|distillation|pupil imitation'],
].map(([group, v]) => ({ group: group!, variants: v!.split('|') }));

/** Words the title templates use; they must survive vocabulary de-duplication. */
export const TITLE_TEMPLATES = [
  '{A} {T} for {T} {T}',
  'Towards {A} {T} {T} via {T} {T}',
  'On the {T} of {T} {T} in {T} {T}',
  '{T}: {A} {T} {T} for {T} {T}',
  '{T} {T} with {T} {T} and {T}',
  'Learning {T} {T} from {T} {T}',
  'A {A} Approach to {T} {T} {T}',
  '{T} {T} {T}: Theory and Experiments',
  'Revisiting {T} {T} for {A} {T}',
  'Understanding {T} in {A} {T} {T}',
  'Beyond {T}: {A} {T} {T} with {T}',
  'Rethinking {T} {T} under {T} {T}',
];
export const TITLE_ADJECTIVES = `efficient scalable robust adaptive unified provable fast hierarchical generalized
deep universal optimal principled practical implicit accurate lightweight modular structured conditional`;

/** [LaTeX form as arXiv writes it in `authors`, plain Unicode form]. */
export const FIRST_NAMES: [string, string][] =
  `Alice Bob Carol David Emma Frank Grace Henry Irene Jack Julia Kevin
Laura Michael Nina Oliver Paula Quentin Rachel Samuel Sofia Thomas Ursula Victor Wendy Xavier Yara Zachary
Wei Li Yan Jing Hao Xin Yu Jun Lei Ming Tao Hui Chen Yang Jian Feng Qiang Yuki Haruto Sakura Kenji Akira
Hiroshi Min-jun Seo-yeon Ji-ho Arjun Priya Rahul Ananya Vikram Deepak Sanjay Kavya Mohammed Fatima Omar
Aisha Hassan Layla Ahmed Ivan Olga Dmitri Natalia Sergei Anastasia Pavel Elena Marco Giulia Luca Francesca
Matteo Chiara Pierre Camille Louis Manon Hans Anke Klaus Lena Jan Eva Piotr Anna Tomasz Katarzyna Lars
Ingrid Erik Astrid Mateo Lucia Diego Valentina Pablo Carmen Joao Ana Tiago Beatriz Kwame Amara Chinedu
Ngozi Tendai Nomvula Daniel Sarah James Emily Robert Hannah William Olivia Benjamin Chloe Alexander Maria`
    .split(/\s+/)
    .map((n): [string, string] => [n, n])
    .concat([
      ["Jos{\\'e}", 'José'],
      ['Fran{\\c{c}}ois', 'François'],
      ['J{\\"o}rg', 'Jörg'],
      ["Ren{\\'e}e", 'Renée'],
      ['S{\\o}ren', 'Søren'],
      ["Andr{\\'e}", 'André'],
      ['Bj{\\"o}rn', 'Björn'],
      ["In{\\'e}s", 'Inés'],
      ["Ra{\\'u}l", 'Raúl'],
    ]);

export const LAST_NAMES: [string, string][] =
  `Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor
Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Hall Allen King Wright Scott
Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards
Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Kelly Howard Cox Ward Richardson Wood
Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster Wang Li Zhang Liu Chen Yang Huang
Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng
Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Kim Lee Park Choi Jung Kang
Cho Yoon Jang Lim Nguyen Tran Le Pham Hoang Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura
Kobayashi Kato Yoshida Yamada Sasaki Kumar Singh Sharma Gupta Patel Das Reddy Rao Iyer Mehta Joshi Nair
Chatterjee Banerjee Mukherjee Bose Ghosh Khan Ali Hussain Rahman Ahmed Hassan Ibrahim Ivanov Petrov
Smirnov Kuznetsov Popov Sokolov Volkov Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Bernard
Dubois Durand Leroy Moreau Laurent Simon Michel Schmidt Schneider Fischer Weber Meyer Wagner Becker
Hoffmann Koch Richter Klein Wolf Neumann Schwarz Zimmermann Kowalski Nowak Wisniewski Jensen Nielsen
Hansen Andersen Larsen Johansson Karlsson Nilsson Eriksson Santos Oliveira Silva Costa Pereira Almeida
Okafor Mensah Mwangi Dlamini Cohen Levi Friedman Goldberg`
    .split(/\s+/)
    .map((n): [string, string] => [n, n])
    .concat([
      ['M{\\"u}ller', 'Müller'],
      ['Schr{\\"o}der', 'Schröder'],
      ["Garc{\\'i}a", 'García'],
      ["Mart{\\'i}nez", 'Martínez'],
      ["L{\\'o}pez", 'López'],
      ["G{\\'o}mez", 'Gómez'],
      ["P{\\'e}rez", 'Pérez'],
      ["Fern{\\'a}ndez", 'Fernández'],
      ["Gonz{\\'a}lez", 'González'],
      ["Rodr{\\'i}guez", 'Rodríguez'],
      ["Dvo{\\v{r}}{\\'a}k", 'Dvořák'],
      ['Erd{\\H{o}}s', 'Erdős'],
      ["Bal{\\'a}zs", 'Balázs'],
      ["Kov{\\'a}cs", 'Kovács'],
      ['J{\\o}rgensen', 'Jørgensen'],
      ['Lef{\\`e}vre', 'Lefèvre'],
      ['Nu{\\~n}ez', 'Nuñez'],
      ['Y{\\i}lmaz', 'Yılmaz'],
      ['{\\c{C}}elik', 'Çelik'],
      ['Wei{\\ss}', 'Weiß'],
    ]);

export const AFFILIATIONS = [
  'MIT',
  'Stanford University',
  'Tsinghua University',
  'ETH Zurich',
  'CNRS',
  'Max Planck Institute',
  'University of Tokyo',
  'Oxford',
  'CERN',
  'Google Research',
  'IISc Bangalore',
  'Caltech',
];

/** Short math snippets some abstracts carry, as real ones do. */
export const MATH_SNIPPETS = ['$O(n \\log n)$', '$\\epsilon$', '$\\ell_1$', '$\\sqrt{T}$', '$k$-NN'];
